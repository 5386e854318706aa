"""What a server costs while it serves: CPU time of a process tree from /proc, and its peak RSS."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
RSS_SAMPLE_SECONDS = 0.2


def children_of(pid: int) -> list[int]:
    """Direct children of `pid` (Gunicorn workers of a master), from /proc/<pid>/task/*/children."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(child) for child in handle.read().split())
        except OSError:
            continue
    return found


def _stat_fields(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            text = handle.read()
    except OSError:
        return None
    # The command name may hold spaces and parentheses; the fields after its closing ")" do not.
    return text[text.rindex(")") + 2:].split()


def cpu_seconds(root_pid: int) -> float:
    """utime+stime of `root_pid` and its live children, plus the root's reaped children (cutime+cstime).

    Counting the reaped children keeps the figure right when a worker exits or is replaced mid-scenario.
    """
    ticks = 0
    root = _stat_fields(root_pid)
    if root is None:
        return 0.0
    # Fields after the name start at `state` (stat field 3): utime=14, stime=15, cutime=16, cstime=17.
    ticks += sum(int(value) for value in root[11:15])
    for child in children_of(root_pid):
        fields = _stat_fields(child)
        if fields is not None:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU time all processes of the machine have used (every CPU added up), from /proc/stat."""
    with open("/proc/stat") as handle:
        fields = [int(value) for value in handle.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class RssPeaks:
    per_process: dict[int, float] = field(default_factory=dict)  # pid → highest VmRSS seen (MB)
    total: float = 0.0  # highest sum over the tree at one sampling instant (MB)

    @property
    def worker_max(self) -> float:
        return max(self.per_process.values(), default=0.0)


class RssSampler:
    """Samples VmRSS of a root process and its children every 0.2 s on a daemon thread."""

    def __init__(self, root_pid: int, *, include_root: bool):
        self.root_pid = root_pid
        self.include_root = include_root  # a Gunicorn master is not a worker; the mock alone is the server
        self.peaks = RssPeaks()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-rss", daemon=True)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(RSS_SAMPLE_SECONDS):
                return

    def sample(self) -> None:
        total = rss_mb(self.root_pid)
        for child in children_of(self.root_pid):
            value = rss_mb(child)
            total += value
            self.peaks.per_process[child] = max(self.peaks.per_process.get(child, 0.0), value)
        if self.include_root:
            root = rss_mb(self.root_pid)
            self.peaks.per_process[self.root_pid] = max(self.peaks.per_process.get(self.root_pid, 0.0), root)
        self.peaks.total = max(self.peaks.total, total)
