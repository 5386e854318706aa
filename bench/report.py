"""Figures from runs: medians, added latency, BENCH lines, the Markdown table, bench/results/latest.*."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
MEDIAN_FIELDS = ("rps", "p50_ms", "p99_ms", "ttft_p50_ms", "ttft_p99_ms", "cpu_ms_per_req", "server_cpu_pct",
                 "rss_mb_peak", "rss_mb_total", "mock_cpu_pct", "loadgen_cpu_pct", "other_cpu_pct", "workers")
# (column title, summary key, decimals)
COLUMNS = (
    ("config", "config", None), ("scenario", "scenario", None), ("req/s", "rps", 0),
    ("p50 ms", "p50_ms", 2), ("p99 ms", "p99_ms", 2), ("added p50", "added_p50_ms", 2),
    ("added p99", "added_p99_ms", 2), ("TTFT p50", "ttft_p50_ms", 2), ("added TTFT p50", "added_ttft_p50_ms", 2),
    ("CPU ms/req", "cpu_ms_per_req", 3), ("server CPU %", "server_cpu_pct", 0),
    ("RSS MB/worker", "rss_mb_peak", 1), ("RSS MB total", "rss_mb_total", 1),
    ("mock CPU %", "mock_cpu_pct", 0), ("loader CPU %", "loadgen_cpu_pct", 0), ("other CPU %", "other_cpu_pct", 0),
    ("errors", "errors", 0), ("of which timeouts", "timeouts", 0),
)
TARGETS = (
    # (what the issue asks, scenario, key, limit, "max" or "min")
    ("gateway CPU per non-stream request ≤ 1.0 ms", "chat_c64", "cpu_ms_per_req", 1.0, "max"),
    ("added latency at c=1, non-stream p50 ≤ 1.5 ms", "chat_c1", "added_p50_ms", 1.5, "max"),
    ("added time to first token at c=1, streams p50 ≤ 2 ms", "stream_ttft_c1", "added_ttft_p50_ms", 2.0, "max"),
    ("≥ 1,000 req/s non-stream at c=64", "chat_c64", "rps", 1000.0, "min"),
    ("no errors at c=64", "chat_c64", "errors", 0, "max"),
    ("RSS ≤ 150 MB per worker", "chat_c64", "rss_mb_peak", 150.0, "max"),
)


def summarize(runs: dict[str, dict[str, list[dict]]]) -> list[dict]:
    """runs[config][scenario] = figures of each repeat → one row per (config, scenario), medians."""
    rows = []
    direct = {name: _medians(repeats) for name, repeats in runs.get("direct", {}).items()}
    for config, scenarios in runs.items():
        for scenario, repeats in scenarios.items():
            row = {"config": config, "scenario": scenario, "runs": len(repeats), **_medians(repeats)}
            for key in ("errors", "timeouts"):  # every failure counts, not a median
                row[key] = sum(run.get(key, 0) for run in repeats)
            base = direct.get(scenario)
            if config != "direct" and base:
                for key in ("p50_ms", "p99_ms", "ttft_p50_ms", "ttft_p99_ms"):
                    if key in row and key in base:
                        row[f"added_{key}"] = row[key] - base[key]
            rows.append(row)
    return rows


def _medians(repeats: list[dict]) -> dict:
    medians = {}
    for key in MEDIAN_FIELDS:
        # NaN (a run with no sample) has no place in an ordering; the median is of the runs that have one.
        values = [run[key] for run in repeats if key in run and not math.isnan(run[key])]
        if any(key in run for run in repeats):
            medians[key] = statistics.median(values) if values else math.nan
    return medians


def bench_line(row: dict) -> str:
    """One `BENCH key=value …` line: grep-able, and stable in its first fields."""
    fields = [f"scenario={row['scenario']}", f"config={row['config']}"]
    for _, key, decimals in COLUMNS[2:]:
        if key in row:
            fields.append(f"{key}={_number(row[key], decimals)}")
    fields.append(f"runs={row['runs']}")
    return "BENCH " + " ".join(fields)


def _number(value: float, decimals: int | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{decimals}f}" if decimals is not None else str(value)


def table(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(title for title, _, _ in COLUMNS) + " |",
             "|" + "|".join("---" if decimals is None else "---:" for _, _, decimals in COLUMNS) + "|"]
    for row in rows:
        cells = [_number(row[key], decimals) if key in row else "" for _, key, decimals in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def target_checks(rows: list[dict]) -> str:
    lines = ["| target | config | figure | verdict |", "|---|---|---:|---|"]
    for config in sorted({row["config"] for row in rows} - {"direct"}):
        by_scenario = {row["scenario"]: row for row in rows if row["config"] == config}
        for text, scenario, key, limit, sense in TARGETS:
            value = by_scenario.get(scenario, {}).get(key)
            if value is None:
                continue
            met = value <= limit if sense == "max" else value >= limit
            lines.append(f"| {text} | {config} | {_number(value, 0 if key in ('rps', 'errors') else 2)} | "
                         f"{'met' if met else 'NOT met'} |")
    return "\n".join(lines)


def markdown(header: dict, rows: list[dict], notes: list[str], scenarios: dict[str, str]) -> str:
    parts = ["# Tollgate benchmark", "", *(f"- {key}: {value}" for key, value in header.items()), "",
             "Medians over the repeats; `errors` is the total over all repeats. `added` = this config "
             "minus the mock alone (`direct`) in the same scenario.", "", table(rows), "",
             "## The issue's targets", "", target_checks(rows), "", "## Scenarios", "",
             *(f"- `{name}`: {about}" for name, about in scenarios.items())]
    if notes:
        parts += ["", "## Notes", "", *(f"- {note}" for note in notes)]
    return "\n".join(parts) + "\n"


def write(header: dict, rows: list[dict], raw: dict, notes: list[str], scenarios: dict[str, str]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text(markdown(header, rows, notes, scenarios))
    payload = _without_nan({"header": header, "summary": rows, "runs": raw, "notes": notes})
    (RESULTS / "latest.json").write_text(json.dumps(payload, indent=2) + "\n")
    return RESULTS / "latest.md"


def _without_nan(value: object) -> object:
    """NaN (no sample) becomes null: json.dumps would write NaN, which is not JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: _without_nan(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nan(item) for item in value]
    return value


def bottleneck_notes(rows: list[dict], cpu_count: int) -> list[str]:
    """Warnings that a figure measures the rig or the machine rather than the gateway."""
    notes = []
    if cpu_count < 4:
        notes.append(f"Only {cpu_count} CPUs: wrk, the mock and the gateway share them, so throughput and "
                     "tail latency include CPU contention between them.")
    noisy = [row.get("other_cpu_pct", 0) for row in rows if row.get("other_cpu_pct", 0) > 25]
    if noisy:
        notes.append(f"Other processes on the machine used {min(noisy):.0f}–{max(noisy):.0f}% of a CPU during "
                     f"{len(noisy)} of {len(rows)} scenarios (column `other CPU %`): latency and throughput "
                     "there include CPU starvation; CPU ms/req and RSS hold up better.")
    direct = {row["scenario"]: row for row in rows if row["config"] == "direct"}
    for row in rows:
        base = direct.get(row["scenario"])
        where = f"{row['config']}/{row['scenario']}"
        if row.get("mock_cpu_pct", 0) > 90 and row["config"] == "direct":
            notes.append(f"{where}: the mock saturates its one CPU at {row['rps']:.0f} req/s; that is its ceiling, "
                         "and a gateway figure near it would measure the mock.")
        elif row.get("mock_cpu_pct", 0) > 90:
            notes.append(f"{where}: the mock used {row['mock_cpu_pct']:.0f}% of a CPU; it is the bottleneck there.")
        if row["config"] != "direct" and base and row["rps"] > 0.5 * base["rps"] and row["scenario"].endswith("64"):
            notes.append(f"{where}: {row['rps']:.0f} req/s is over half of what the mock alone served "
                         f"({base['rps']:.0f}); the mock may be limiting.")
        if row["errors"]:
            notes.append(f"{where}: {row['errors']} failed requests over all repeats "
                         f"({row['timeouts']} of them timeouts).")
    return notes
