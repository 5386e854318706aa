// Quota units vs dollars: One API stores integers (QuotaPerUnit = 1 $) and shows either form.
export interface QuotaDisplay {
  quota_per_unit?: number;
  display_in_currency?: boolean;
}

const DEFAULT_PER_UNIT = 500000;

export function quotaToDollars(quota: number, display: QuotaDisplay): number {
  return quota / (display.quota_per_unit || DEFAULT_PER_UNIT);
}

export function dollarsToQuota(dollars: number, display: QuotaDisplay): number {
  return Math.round(dollars * (display.quota_per_unit || DEFAULT_PER_UNIT));
}

/** "$1.2345" when the DisplayInCurrency option is on, otherwise the integer with separators. */
export function formatQuota(quota: number, display: QuotaDisplay): string {
  if (display.display_in_currency) {
    const dollars = quotaToDollars(quota, display);
    const digits = Math.abs(dollars) >= 1 ? 2 : 6;
    return `$${dollars.toLocaleString("en-US", { maximumFractionDigits: digits })}`;
  }
  return quota.toLocaleString("en-US");
}
