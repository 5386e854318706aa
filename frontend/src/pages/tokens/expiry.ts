// Expiry quick choices: unix seconds from now, or -1 for a key that never expires.
import { NEVER_EXPIRES } from "./types";

export type QuickExpiry = "never" | "month" | "day" | "hour";
export const QUICK_EXPIRIES: QuickExpiry[] = ["never", "month", "day", "hour"];

/** A calendar month (the same day next month, clamped to its last day), a day or an hour after `nowMs`. */
export function quickExpiry(choice: QuickExpiry, nowMs: number = Date.now()): number {
  if (choice === "never") return NEVER_EXPIRES;
  const at = new Date(nowMs);
  if (choice === "month") {
    const day = at.getDate();
    at.setDate(1);
    at.setMonth(at.getMonth() + 1);
    const lastDay = new Date(at.getFullYear(), at.getMonth() + 1, 0).getDate();
    at.setDate(Math.min(day, lastDay));
  } else {
    at.setTime(nowMs + (choice === "day" ? 86_400_000 : 3_600_000));
  }
  return Math.floor(at.getTime() / 1000);
}

/** Whether an expiry the user picked is acceptable to the API: never, or later than now. */
export function isValidExpiry(seconds: number, nowMs: number = Date.now()): boolean {
  return seconds === NEVER_EXPIRES || seconds * 1000 > nowMs;
}
