import { describe, expect, it } from "vitest";
import { isValidExpiry, quickExpiry } from "./expiry";

const at = (text: string) => new Date(text).getTime();
const seconds = (text: string) => Math.floor(at(text) / 1000);

describe("expiry quick buttons", () => {
  it("never is -1", () => {
    expect(quickExpiry("never", at("2026-03-10T12:00:00"))).toBe(-1);
  });
  it("one hour and one day are exact spans", () => {
    const now = at("2026-03-10T12:00:30");
    expect(quickExpiry("hour", now)).toBe(seconds("2026-03-10T13:00:30"));
    expect(quickExpiry("day", now)).toBe(seconds("2026-03-11T12:00:30"));
  });
  it("one month is the same day next month", () => {
    expect(quickExpiry("month", at("2026-03-10T12:00:00"))).toBe(seconds("2026-04-10T12:00:00"));
    expect(quickExpiry("month", at("2026-12-15T08:00:00"))).toBe(seconds("2027-01-15T08:00:00"));
  });
  it("one month from the 31st stops at the end of a shorter month", () => {
    expect(quickExpiry("month", at("2026-01-31T09:00:00"))).toBe(seconds("2026-02-28T09:00:00"));
  });
  it("accepts never or a future time only", () => {
    const now = at("2026-03-10T12:00:00");
    expect(isValidExpiry(-1, now)).toBe(true);
    expect(isValidExpiry(seconds("2026-03-10T12:00:01"), now)).toBe(true);
    expect(isValidExpiry(seconds("2026-03-10T11:59:59"), now)).toBe(false);
  });
});
