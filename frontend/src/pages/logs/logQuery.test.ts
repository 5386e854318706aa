import { describe, expect, it } from "vitest";
import { filterQuery, listPath, logType, rowKey, statPath, type LogRow } from "./logQuery";

describe("filterQuery", () => {
  it("drops blank filters and trims text", () => {
    expect(filterQuery({ tokenName: "  ", modelName: " gpt-4o ", type: 0, start: 0 }, false)).toEqual({ model_name: "gpt-4o" });
  });
  it("passes the time range and type", () => {
    expect(filterQuery({ start: 100, end: 200, type: 2 }, false)).toEqual({ start_timestamp: 100, end_timestamp: 200, type: 2 });
  });
  it("sends channel and username only for admins", () => {
    const filter = { channel: 3, username: "alice" };
    expect(filterQuery(filter, true)).toEqual({ channel: 3, username: "alice" });
    expect(filterQuery(filter, false)).toEqual({});
  });
});

describe("paths", () => {
  it("uses the admin routes for admins and the self routes otherwise", () => {
    expect([listPath(true), statPath(true)]).toEqual(["/api/log/", "/api/log/stat"]);
    expect([listPath(false), statPath(false)]).toEqual(["/api/log/self", "/api/log/self/stat"]);
  });
});

describe("logType / rowKey", () => {
  it("knows the five types and falls back to unknown", () => {
    expect(logType(2).key).toBe("consume");
    expect(logType(9).key).toBe("unknown");
  });
  it("keys users' rows (id 0) by time, request id and position", () => {
    const row = { id: 0, created_at: 5, request_id: "r1" } as LogRow;
    expect(rowKey(row, 3)).toBe("5-r1-3");
    expect(rowKey({ ...row, id: 42 }, 3)).toBe("42");
  });
});
