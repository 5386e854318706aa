// Runtime options as the settings tabs handle them: the [{key, value}] list of GET /api/option/, which
// fields changed, and the checks the ratio editors run before a PUT (mirroring app/billing/pricing.py).

export type OptionMap = Record<string, string>;

/** Write-only options (app/options.py SECRET_SUFFIXES): never listed, and an empty value keeps the stored one. */
export function isSecret(key: string): boolean {
  return /(Token|Secret|SecretKey)$/.test(key);
}

export function toOptionMap(list: { key: string; value: string }[] | null | undefined): OptionMap {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, value ?? ""]));
}

/** A form value in the API's spelling: every option value is a string. */
export function optionText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map((item) => String(item).trim()).filter(Boolean).join(",");
  return String(value);
}

/**
 * The [key, value] pairs to PUT: fields whose text differs from the stored value, plus secrets
 * that were typed in (a blank secret means "keep").
 */
export function changedEntries(values: Record<string, unknown>, stored: OptionMap): [string, string][] {
  const entries: [string, string][] = [];
  for (const [key, value] of Object.entries(values)) {
    const text = optionText(value);
    if (isSecret(key) ? text !== "" : text !== (stored[key] ?? "")) entries.push([key, text]);
  }
  return entries;
}

export type RatioCheck =
  | { ok: true; ratios: Record<string, number>; pretty: string; compact: string }
  | { ok: false; error: RatioProblem };

export type RatioProblem =
  | { kind: "syntax"; detail: string }
  | { kind: "notObject" }
  | { kind: "notNumber"; name: string }
  | { kind: "negative"; name: string };

/** A ModelRatio / CompletionRatio / GroupRatio text: a JSON object of names to finite, non-negative numbers.
 * A negative entry the server itself listed (``listed``, the loaded value) is kept: the built-in table has
 * one (openrouter/auto), and the server accepts it back unchanged. */
export function checkRatioJson(text: string, listed = "{}"): RatioCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: { kind: "syntax", detail: (err as Error).message } };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, error: { kind: "notObject" } };
  }
  const ratios = parsed as Record<string, unknown>;
  const original = parsedObject(listed);
  for (const [name, ratio] of Object.entries(ratios)) {
    if (typeof ratio !== "number" || !Number.isFinite(ratio)) return { ok: false, error: { kind: "notNumber", name } };
    if (ratio < 0 && original[name] !== ratio) return { ok: false, error: { kind: "negative", name } };
  }
  const numbers = ratios as Record<string, number>;
  return { ok: true, ratios: numbers, pretty: JSON.stringify(numbers, null, 2), compact: JSON.stringify(numbers) };
}

function parsedObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The stored JSON laid out for editing; text that does not parse is shown as it is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
