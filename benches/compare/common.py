"""Shared by the Python sides of the comparison: arguments, scales, timing and peak memory,
and the layout of the cross-check outputs.

Every implementation is run as its own process per run, so that its peak memory (the
resident-set high-water mark, ``ru_maxrss``) is its own. It prints one JSON object on its
last stdout line: ``tool``, ``load_s``, ``compute_s``, ``peak_rss_bytes``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tomllib
from pathlib import Path

# The indicators computed per procedure at every level, in oko's ids (see core/src/indicators).
INDICATORS = [
    "count",
    "pass_rate",
    "quality_rate",
    "sou",
    "mean_mark",
    "share_mark_5",
    "share_mark_4",
    "share_mark_3",
    "share_mark_2",
    "share_mark_1",
    "share_not_assessed",
    "score_count",
    "mean_score",
    "median_score",
    "completion_rate",
    "share_lowered",
    "share_confirmed",
    "share_raised",
]
LEVELS = ["class", "grade", "school", "municipality", "region"]
# The district rule (rules/district-low-results.toml): relative gap ≥ 15%, kinds vpr/oge/ege,
# values with n below 10 are a limited sample and decide nothing.
RULE_KINDS = {"vpr", "oge", "ege"}
MIN_SAMPLE = 10
# Internal mark codes as oko stores them: 1..5 marks, 6 «н/а», 7 «осв.» (exempt).
MARK_CODES = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "н/а": 6, "осв.": 7}


def parse_args(description: str) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("region", type=Path, help="folder of CSV tables (oko's canonical layout)")
    p.add_argument("--rules", type=Path, required=True, help="rules/ (for scales-2025.toml)")
    p.add_argument("--out", type=Path, help="write values and flagged pairs here (untimed)")
    return p.parse_args()


def read_scales(rules: Path) -> dict[str, list[tuple[int, int]]]:
    """Scale id → [(lowest score, mark)] in ascending order; conditions are not needed
    here (marks are derived only for ЕГЭ results, whose scales have none)."""
    doc = tomllib.loads((rules / "scales-2025.toml").read_text(encoding="utf-8"))
    out = {}
    for s in doc.get("scales", []):
        if s.get("conditions"):
            out[s["id"]] = None  # derivation would need task groups: refuse below
            continue
        out[s["id"]] = sorted((b["min"], b["mark"]) for b in s["bands"])
    return out


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class Timer:
    """Wall-clock laps, with the process CPU time (every thread) of each lap in `cpu`."""

    def __init__(self) -> None:
        self.t = time.perf_counter()
        self.c = time.process_time()
        self.cpu: list[float] = []

    def lap(self) -> float:
        now, c = time.perf_counter(), time.process_time()
        dt, self.t = now - self.t, now
        self.cpu.append(c - self.c)
        self.c = c
        return dt


def report(tool: str, load_s: float, compute_s: float, timer: Timer | None = None, **extra) -> None:
    out = {
        "tool": tool,
        "load_s": load_s,
        "compute_s": compute_s,
        "peak_rss_bytes": peak_rss_bytes(),
    }
    if timer is not None and len(timer.cpu) >= 2:
        out["load_cpu_s"], out["compute_cpu_s"] = timer.cpu[0], timer.cpu[1]
    out.update(extra)
    print(json.dumps(out))
    sys.stdout.flush()
