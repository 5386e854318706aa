import { describe, expect, it } from "vitest";
import { codesCsv, csvCell, csvFileName } from "./csv";

describe("redemption CSV", () => {
  it("writes a header and one row per key", () => {
    expect(codesCsv("promo", ["k1", "k2"], 500000)).toBe("name,key,quota\r\npromo,k1,500000\r\npromo,k2,500000\r\n");
  });
  it("quotes commas, quotes and line breaks", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(" padded ")).toBe('" padded "');
  });
  it("leaves plain text and numbers alone", () => {
    expect(csvCell("新春活动")).toBe("新春活动");
    expect(csvCell(-5)).toBe("-5");
  });
  it("defuses text a spreadsheet would evaluate", () => {
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("@x,y")).toBe("\"'@x,y\"");
  });
  it("names the file after the batch", () => {
    expect(csvFileName("promo/2026:a")).toBe("promo_2026_a.csv");
    expect(csvFileName("  ")).toBe("redemption-codes.csv");
  });
});
