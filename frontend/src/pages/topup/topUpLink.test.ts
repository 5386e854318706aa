import { describe, expect, it } from "vitest";
import { newTransactionId, topUpUrl } from "./topUpLink";

describe("online top-up link", () => {
  it("adds username, user id and transaction id", () => {
    const url = new URL(topUpUrl("https://shop.example.com/buy", { id: 7, username: "a&b" }, "tx-1"));
    expect(url.origin + url.pathname).toBe("https://shop.example.com/buy");
    expect(url.searchParams.get("username")).toBe("a&b");
    expect(url.searchParams.get("user_id")).toBe("7");
    expect(url.searchParams.get("transaction_id")).toBe("tx-1");
  });
  it("keeps the link's own query", () => {
    const url = new URL(topUpUrl("https://shop.example.com/buy?plan=pro", { id: 1, username: "u" }, "t"));
    expect(url.searchParams.get("plan")).toBe("pro");
  });
  it("makes distinct version-4 UUIDs", () => {
    const a = newTransactionId();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newTransactionId()).not.toBe(a);
  });
});
