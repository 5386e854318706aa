// Turns /api/user/dashboard rows (one per UTC day and model, Go-cased keys) into chart series:
// every day of the window present (missing days are 0) and models ranked for the stacked bars.

export interface DashboardRow {
  Day: string; // "YYYY-MM-DD", a UTC day
  ModelName: string;
  RequestCount: number;
  Quota: number;
  PromptTokens: number;
  CompletionTokens: number;
}

export interface DayPoint {
  day: string;
  requests: number;
  quota: number;
  promptTokens: number;
  completionTokens: number;
  tokens: number;
}

export type Metric = "requests" | "quota" | "tokens";

export interface ModelSeries {
  /** The stacked series, biggest first; `key` is the data key (model names may hold dots). */
  models: { key: string; name: string; total: number }[];
  /** One point per day: `day` plus one number per model key. */
  points: Record<string, string | number>[];
}

const DAY_MS = 86_400_000;
export const WINDOW_DAYS = 7;
export const OTHER_MODELS = "__other__";

/** The UTC calendar day of a moment, as the server writes it. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function dayTime(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** The days shown: at least `count` days ending today, reaching back further if the rows do. */
export function windowDays(rows: DashboardRow[], today: string, count = WINDOW_DAYS): string[] {
  const end = dayTime(today);
  let start = end - (count - 1) * DAY_MS;
  for (const row of rows) {
    const time = dayTime(row.Day);
    if (Number.isFinite(time) && time < start) start = time;
  }
  const days: string[] = [];
  for (let time = start; time <= end; time += DAY_MS) days.push(utcDay(new Date(time)));
  return days;
}

function emptyPoint(day: string): DayPoint {
  return { day, requests: 0, quota: 0, promptTokens: 0, completionTokens: 0, tokens: 0 };
}

/** Totals per day over all models, with a zero point for every day that has no rows. */
export function dailySeries(rows: DashboardRow[], days: string[]): DayPoint[] {
  const byDay = new Map(days.map((day) => [day, emptyPoint(day)]));
  for (const row of rows) {
    const point = byDay.get(row.Day);
    if (!point) continue;
    point.requests += row.RequestCount || 0;
    point.quota += row.Quota || 0;
    point.promptTokens += row.PromptTokens || 0;
    point.completionTokens += row.CompletionTokens || 0;
    point.tokens = point.promptTokens + point.completionTokens;
  }
  return days.map((day) => byDay.get(day) ?? emptyPoint(day));
}

export function metricOf(row: DashboardRow, metric: Metric): number {
  if (metric === "requests") return row.RequestCount || 0;
  if (metric === "quota") return row.Quota || 0;
  return (row.PromptTokens || 0) + (row.CompletionTokens || 0);
}

/**
 * Per-model values per day for a stacked bar chart. The `limit` biggest models keep their own
 * series; the rest are summed under OTHER_MODELS so the legend stays readable.
 */
export function modelSeries(rows: DashboardRow[], days: string[], metric: Metric, limit = 8): ModelSeries {
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.ModelName, (totals.get(row.ModelName) ?? 0) + metricOf(row, metric));
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const kept = ranked.length > limit ? ranked.slice(0, limit - 1) : ranked;
  const keyOf = new Map(kept.map(([name], index) => [name, `m${index}`]));
  const models = kept.map(([name, total], index) => ({ key: `m${index}`, name, total }));
  if (ranked.length > kept.length) {
    const rest = ranked.slice(kept.length).reduce((sum, [, total]) => sum + total, 0);
    models.push({ key: "other", name: OTHER_MODELS, total: rest });
  }
  const points = days.map((day) => {
    const point: Record<string, string | number> = { day };
    for (const model of models) point[model.key] = 0;
    return point;
  });
  const pointOf = new Map(points.map((point) => [point.day as string, point]));
  for (const row of rows) {
    const point = pointOf.get(row.Day);
    if (!point) continue;
    const key = keyOf.get(row.ModelName) ?? "other";
    point[key] = (point[key] as number) + metricOf(row, metric);
  }
  return { models, points };
}

/** Today's totals (a zero point when nothing was used today). */
export function todayTotals(rows: DashboardRow[], today: string): DayPoint {
  return dailySeries(rows, [today])[0];
}

/** "2026-11-23" → "11-23", short enough for a phone's x axis. */
export function shortDay(day: string): string {
  return day.slice(5);
}
