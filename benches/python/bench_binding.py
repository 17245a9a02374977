"""The Python binding's overhead: evaluation (dataset build + shipped rules) from pyarrow
Tables through `oko`, against the pure Rust path on the same data, side by side in one run.

Both sides start from the same in-memory typed tables of the 1,000,000-student region:
Python reads the CSVs of `oko generate --preset region` with pyarrow (not timed), Rust
(`benches/src/bin/oko-bench-evaluate.rs`) reads them into columns of the types
pyarrow infers (not timed). Each run then builds the dataset (strict), compiles the shipped
rules and evaluates them. Runs alternate (Rust, Python, Rust, ...) so that both see the same
machine load; the medians and the ratio Python / Rust are printed, for wall-clock time and for
the CPU time of the working thread (robust when the machine is shared: the core is
single-threaded, and the binding runs it on the calling thread), and the first reports are
compared byte for byte.

Usage (from the repository root, with `oko` installed in the interpreter's environment, e.g.
by bindings-python/run-tests.sh):

    python benches/python/bench_binding.py [--runs 5] [--data target/bench-region]

`--data` is generated with the CLI when it holds no CSVs. Not a test: it only reports.

It also serves `benches/compare/run.sh` (the comparison with polars, pandas and zen-engine):

    python benches/python/bench_binding.py REGION_DIR --rules RULES_DIR

runs once in that harness's protocol, the work of `oko-compare`: `load` reads the CSVs with
pyarrow and builds the `Dataset`; `compute` compiles `scales-2025.toml` and
`district-low-results.toml` from RULES_DIR, evaluates them and materialises every indicator
value (`Evaluation.indicators.to_arrow()`); the last stdout line is one JSON object with
`tool` = "oko (Python, pyarrow)", `load_s`, `compute_s`, `peak_rss_bytes`, `load_cpu_s`,
`compute_cpu_s` (process CPU time, every thread).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

import oko

REPO = Path(__file__).resolve().parents[2]
TABLES = [
    "municipalities", "schools", "classes", "teachers", "assignments", "students",
    "procedures", "results", "marks", "trainings", "competency_tests",
]
STAGES = ["build", "compile", "evaluate", "total"]


def cargo(*args: str) -> None:
    subprocess.run(["cargo", *args], cwd=REPO, check=True)


def target_dir() -> Path:
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=REPO, check=True, capture_output=True, text=True,
    )
    return Path(json.loads(meta.stdout)["target_directory"])


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, pyarrow {pa.__version__}, oko {oko.__version__}"
    )


def python_run(tables: dict[str, pa.Table]) -> tuple[dict[str, dict[str, float]], str]:
    """One run: wall and CPU seconds per stage (the CPU time of this thread, which does all
    the work: the binding runs the core on the calling thread with the GIL released), and the
    report's JSON."""
    marks = []

    def mark() -> None:
        marks.append((time.perf_counter(), time.thread_time()))

    mark()
    ds = oko.Dataset.from_tables(**tables)
    mark()
    rules = oko.shipped_rules()
    mark()
    ev = oko.evaluate(rules, ds)
    mark()
    out: dict[str, dict[str, float]] = {"wall": {}, "cpu": {}}
    for kind, k in (("wall", 0), ("cpu", 1)):
        for stage, (a, b) in zip(STAGES, [(0, 1), (1, 2), (2, 3), (0, 3)]):
            out[kind][stage] = marks[b][k] - marks[a][k]
    return out, ev.to_json()


def table(kind: str, rust_runs: list[dict[str, Any]], py_runs: list[dict[str, Any]]) -> float:
    """Prints the medians of one kind of time; returns the total's ratio Python / Rust."""
    print("| stage | Rust | Python | Python / Rust |")
    print("|---|---:|---:|---:|")
    ratio = float("nan")
    for stage in STAGES:
        r = statistics.median(x[kind][stage] for x in rust_runs)
        p = statistics.median(x[kind][stage] for x in py_runs)
        name = {
            "build": "build dataset (Rust: `DatasetBuilder` over typed columns; Python: "
            "`Dataset.from_tables` over pyarrow Tables)",
            "compile": "compile the shipped rules",
            "evaluate": "evaluate (aggregate + rules)",
            "total": "**total**",
        }[stage]
        shown = f"{p / r:.3f}" if r > 0.01 else "–"
        print(f"| {name} | {r:.3f} | {p:.3f} | {shown} |")
        if stage == "total":
            ratio = p / r
    return ratio


def read_tables(folder: Path) -> dict[str, pa.Table]:
    """Every canonical table present in a folder of CSVs, read by pyarrow (types inferred)."""
    return {
        name: pacsv.read_csv(folder / f"{name}.csv")
        for name in TABLES
        if (folder / f"{name}.csv").exists()
    }


def compare_protocol(region: Path, rules_dir: Path) -> None:
    """One run in the protocol of benches/compare/run.sh (see the module doc)."""
    t, c = time.perf_counter(), time.process_time()
    ds = oko.Dataset.from_tables(**read_tables(region))
    load_s, load_cpu_s = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    rules = oko.load_rules(rules_dir / "scales-2025.toml", rules_dir / "district-low-results.toml")
    ev = oko.evaluate(rules, ds)
    values = ev.indicators.to_arrow()
    compute_s, compute_cpu_s = time.perf_counter() - t, time.process_time() - c
    findings = sum(1 for r in ev.findings.column("rule").to_pylist() if r == "low_results")
    out = {
        "tool": "oko (Python, pyarrow)",
        "load_s": load_s,
        "compute_s": compute_s,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "load_cpu_s": load_cpu_s,
        "compute_cpu_s": compute_cpu_s,
        "values": values.num_rows,
        "findings": findings,
    }
    print(json.dumps(out), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("region", type=Path, nargs="?",
                    help="benches/compare/run.sh protocol: one run over this folder of CSVs")
    ap.add_argument("--rules", type=Path, help="with REGION: the rules/ folder")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data", type=Path, default=REPO / "target" / "bench-region")
    args = ap.parse_args()
    if args.region is not None:
        if args.rules is None:
            ap.error("REGION needs --rules RULES_DIR")
        compare_protocol(args.region, args.rules)
        return

    if not (args.data / "results.csv").exists():
        print(f"generating the region into {args.data} ...", flush=True)
        cargo("run", "--release", "-q", "-p", "oko-cli", "--", "generate", "--preset", "region",
              "--out", str(args.data))
    cargo("build", "--release", "-q", "-p", "oko-benches", "--bin", "oko-bench-evaluate")
    binary = target_dir() / "release" / "oko-bench-evaluate"

    load = os.getloadavg()
    print(f"machine: {machine()}; load average {load[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        rust_report = Path(tmp) / "report.json"
        rust = subprocess.Popen(
            [str(binary), str(args.data), "--serve", "--report", str(rust_report)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert rust.stdin is not None and rust.stdout is not None
        t = time.perf_counter()
        tables = read_tables(args.data)
        rows = sum(t.num_rows for t in tables.values())
        print(f"pyarrow read {rows:,} rows in {time.perf_counter() - t:.1f} s (not timed)")
        if rust.stdout.readline().strip() != "ready":
            sys.exit("oko-bench-evaluate did not start")

        rust_runs: list[dict[str, Any]] = []
        py_runs: list[dict[str, Any]] = []
        first_json: str | None = None
        for i in range(args.runs):
            rust.stdin.write("run\n")
            rust.stdin.flush()
            rust_runs.append(json.loads(rust.stdout.readline()))
            times, report = python_run(tables)
            py_runs.append(times)
            first_json = first_json or report
            r, p = rust_runs[-1], py_runs[-1]
            print(
                f"run {i + 1}: wall rust {r['wall']['total']:.2f} s, python "
                f"{p['wall']['total']:.2f} s; cpu rust {r['cpu'].get('total', 0):.2f} s, "
                f"python {p['cpu']['total']:.2f} s",
                flush=True,
            )
        rust.stdin.close()
        rust.wait()
        assert first_json is not None
        same = rust_report.read_bytes() == first_json.encode("utf-8")

    load = os.getloadavg()
    print()
    print(f"region: {rows:,} rows; findings {rust_runs[0]['findings']}, "
          f"labels {rust_runs[0]['labels']}; reports identical: {'yes' if same else 'NO'}; "
          f"load average at the end {load[0]:.1f}")
    print(f"medians of {args.runs} alternating runs, CPU seconds of the working thread:")
    print()
    cpu_ratio = table("cpu", rust_runs, py_runs) if rust_runs[0]["cpu"] else float("nan")
    print()
    print(f"medians of {args.runs} alternating runs, wall-clock seconds:")
    print()
    wall_ratio = table("wall", rust_runs, py_runs)
    print()
    print(f"overhead of the Python binding: {100 * (cpu_ratio - 1):+.1f}% CPU time, "
          f"{100 * (wall_ratio - 1):+.1f}% wall-clock time (target ≤ 15%)")
    if not same:
        sys.exit("the Python and Rust reports differ")


if __name__ == "__main__":
    main()
