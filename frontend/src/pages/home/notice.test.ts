import { beforeEach, describe, expect, it } from "vitest";
import { contentHash, isNoticeNew, markNoticeSeen, NOTICE_SEEN_KEY } from "./notice";

beforeEach(() => localStorage.clear());

describe("notice once per content", () => {
  it("hashes stably and tells different texts apart", () => {
    expect(contentHash("Maintenance tonight")).toBe(contentHash("Maintenance tonight"));
    expect(contentHash("Maintenance tonight")).not.toBe(contentHash("Maintenance tomorrow"));
    expect(contentHash("维护通知")).not.toBe(contentHash("维护公告"));
  });

  it("shows a notice until it is seen, and again when the text changes", () => {
    expect(isNoticeNew("v1")).toBe(true);
    markNoticeSeen("v1");
    expect(isNoticeNew("v1")).toBe(false);
    expect(isNoticeNew("v2")).toBe(true);
  });

  it("never shows an empty notice and stores a hash, not the text", () => {
    expect(isNoticeNew("")).toBe(false);
    expect(isNoticeNew("  \n")).toBe(false);
    markNoticeSeen("a long secret-ish notice text");
    expect(localStorage.getItem(NOTICE_SEEN_KEY)).not.toContain("notice");
  });
});
