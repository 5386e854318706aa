import { describe, expect, it } from "vitest";
import { changedEntries, checkRatioJson, isSecret, optionText, prettyJson, toOptionMap } from "./options";

describe("checkRatioJson", () => {
  it("accepts an object of non-negative numbers and lays it out", () => {
    const check = checkRatioJson('{"gpt-4o": 2.5, "free": 0}');
    expect(check).toMatchObject({ ok: true, compact: '{"gpt-4o":2.5,"free":0}' });
    if (check.ok) expect(check.pretty).toBe('{\n  "gpt-4o": 2.5,\n  "free": 0\n}');
  });
  it("reports broken JSON", () => {
    const check = checkRatioJson('{"a": 1,}');
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.error.kind).toBe("syntax");
  });
  it("wants an object, not an array or a number", () => {
    for (const text of ["[1]", "3", "null"]) expect(checkRatioJson(text)).toEqual({ ok: false, error: { kind: "notObject" } });
  });
  it("names the entry that is not a number or is negative", () => {
    expect(checkRatioJson('{"a": "1"}')).toEqual({ ok: false, error: { kind: "notNumber", name: "a" } });
    expect(checkRatioJson('{"a": true}')).toEqual({ ok: false, error: { kind: "notNumber", name: "a" } });
    expect(checkRatioJson('{"a": 1, "b": -0.5}')).toEqual({ ok: false, error: { kind: "negative", name: "b" } });
  });

  it("keeps a negative entry exactly as the server listed it (openrouter/auto in the built-in table)", () => {
    const listed = '{"openrouter/auto": -500000}';
    expect(checkRatioJson('{"openrouter/auto": -500000, "a": 1}', listed).ok).toBe(true);
    expect(checkRatioJson('{"openrouter/auto": -1}', listed)).toEqual({ ok: false, error: { kind: "negative", name: "openrouter/auto" } });
  });
  it("accepts an empty object", () => {
    expect(checkRatioJson("{}").ok).toBe(true);
  });
});

describe("option values", () => {
  it("treats keys ending in Token, Secret or SecretKey as write-only", () => {
    expect(["SMTPToken", "GitHubClientSecret", "TurnstileSecretKey"].every(isSecret)).toBe(true);
    expect(["TurnstileSiteKey", "GitHubClientId", "SMTPServer"].some(isSecret)).toBe(false);
  });
  it("spells values as the API's strings", () => {
    expect(optionText(true)).toBe("true");
    expect(optionText(587)).toBe("587");
    expect(optionText(null)).toBe("");
    expect(optionText([" a.com ", "", "b.com"])).toBe("a.com,b.com");
  });
  it("sends changed fields and typed secrets only", () => {
    const stored = toOptionMap([{ key: "SMTPServer", value: "smtp.a" }, { key: "SMTPPort", value: "587" }]);
    expect(changedEntries({ SMTPServer: "smtp.a", SMTPPort: 465, SMTPToken: "" }, stored)).toEqual([["SMTPPort", "465"]]);
    expect(changedEntries({ SMTPServer: "smtp.b", SMTPToken: "pw" }, stored)).toEqual([["SMTPServer", "smtp.b"], ["SMTPToken", "pw"]]);
  });
  it("pretty-prints stored JSON and leaves other text alone", () => {
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJson("{oops")).toBe("{oops");
  });
});
