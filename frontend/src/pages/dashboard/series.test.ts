import { describe, expect, it } from "vitest";
import { dailySeries, modelSeries, OTHER_MODELS, todayTotals, utcDay, windowDays, type DashboardRow } from "./series";

const row = (Day: string, ModelName: string, RequestCount: number, Quota = 0, PromptTokens = 0, CompletionTokens = 0): DashboardRow => ({
  Day, ModelName, RequestCount, Quota, PromptTokens, CompletionTokens,
});

describe("windowDays", () => {
  it("lists the last seven UTC days ending today", () => {
    expect(windowDays([], "2026-03-02")).toEqual([
      "2026-02-24", "2026-02-25", "2026-02-26", "2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02",
    ]);
  });
  it("reaches further back when the rows do", () => {
    const days = windowDays([row("2026-02-20", "a", 1)], "2026-03-02");
    expect(days[0]).toBe("2026-02-20");
    expect(days).toHaveLength(11);
  });
  it("names days in UTC", () => {
    expect(utcDay(new Date(Date.UTC(2026, 0, 1, 23, 59)))).toBe("2026-01-01");
  });
});

describe("dailySeries", () => {
  it("fills days without rows with zeros and sums models per day", () => {
    const days = windowDays([], "2026-03-02");
    const points = dailySeries([
      row("2026-02-26", "gpt-4o", 2, 100, 10, 5),
      row("2026-02-26", "claude-3.5", 1, 50, 4, 1),
      row("2026-03-02", "gpt-4o", 3, 30, 1, 1),
    ], days);
    expect(points).toHaveLength(7);
    expect(points[0]).toEqual({ day: "2026-02-24", requests: 0, quota: 0, promptTokens: 0, completionTokens: 0, tokens: 0 });
    expect(points[2]).toMatchObject({ day: "2026-02-26", requests: 3, quota: 150, tokens: 20 });
    expect(points[6]).toMatchObject({ requests: 3, quota: 30, tokens: 2 });
  });
  it("ignores rows outside the window", () => {
    expect(dailySeries([row("2020-01-01", "a", 9)], ["2026-03-02"])[0].requests).toBe(0);
  });
});

describe("modelSeries", () => {
  it("keys models by index so names with dots stay intact", () => {
    const { models, points } = modelSeries([row("2026-03-01", "gpt-3.5-turbo", 4)], ["2026-03-01", "2026-03-02"], "requests");
    expect(models).toEqual([{ key: "m0", name: "gpt-3.5-turbo", total: 4 }]);
    expect(points).toEqual([{ day: "2026-03-01", m0: 4 }, { day: "2026-03-02", m0: 0 }]);
  });
  it("ranks by the metric and folds the smallest models into Other", () => {
    const rows = [row("d", "a", 1, 10), row("d", "b", 1, 30), row("d", "c", 1, 20), row("d", "e", 1, 5)];
    const { models, points } = modelSeries(rows, ["d"], "quota", 3);
    expect(models.map((m) => m.name)).toEqual(["b", "c", OTHER_MODELS]);
    expect(points[0]).toEqual({ day: "d", m0: 30, m1: 20, other: 15 });
  });
  it("counts prompt plus completion tokens for the token metric", () => {
    const { points } = modelSeries([row("d", "a", 1, 0, 7, 3)], ["d"], "tokens");
    expect(points[0].m0).toBe(10);
  });
});

describe("todayTotals", () => {
  it("is zero when nothing was used today", () => {
    expect(todayTotals([row("2026-03-01", "a", 5)], "2026-03-02").requests).toBe(0);
  });
});
