import { describe, expect, it } from "vitest";
import { dollarsToQuota, formatQuota } from "./quota";

describe("formatQuota", () => {
  it("shows units with separators when currency display is off", () => {
    expect(formatQuota(1234567, { display_in_currency: false })).toBe("1,234,567");
  });
  it("shows dollars at QuotaPerUnit when currency display is on", () => {
    expect(formatQuota(750000, { display_in_currency: true, quota_per_unit: 500000 })).toBe("$1.5");
    expect(formatQuota(250, { display_in_currency: true, quota_per_unit: 500000 })).toBe("$0.0005");
    expect(formatQuota(500000000000000, { display_in_currency: true, quota_per_unit: 500000 })).toBe("$1,000,000,000");
  });
  it("converts dollars back to whole units", () => {
    expect(dollarsToQuota(2.5, { quota_per_unit: 500000 })).toBe(1250000);
  });
});
