"""Prints the comparison table (Markdown) from the JSON lines the runs wrote.

    python report.py WORK_DIR

WORK_DIR holds indicators.jsonl and risk.jsonl (one JSON object per tool per run: tool,
load_s, compute_s, peak_rss_bytes, ...), arrow.json (arrow_size.py) and machine.json.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

OKO = "oko (Rust)"
BINDING = "oko (Python, pyarrow)"
INDICATOR_TOOLS = [OKO, BINDING, "polars", "pandas"]


def runs(path: Path) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if line.strip():
                d = json.loads(line)
                out.setdefault(d["tool"], []).append(d)
    return out


def med(rs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rs)


def cpu(rs: list[dict]) -> float:
    """Median CPU seconds (load + compute, every thread), 0 when not reported."""
    if not all("load_cpu_s" in r for r in rs):
        return 0.0
    return statistics.median(r["load_cpu_s"] + r["compute_cpu_s"] for r in rs)


def mib(b: float) -> str:
    return f"{b / 2**20:,.0f} MiB"


def secs(s: float) -> str:
    return f"{s:.3f}" if s < 10 else f"{s:.1f}"


def ratio(x: float, ref: float) -> str:
    return f"{x / ref:.1f}×" if ref > 0 else "—"


def main():
    work = Path(sys.argv[1])
    ind = runs(work / "indicators.jsonl")
    risk = runs(work / "risk.jsonl")
    arrow = json.loads((work / "arrow.json").read_text()) if (work / "arrow.json").exists() else {}
    machine = json.loads((work / "machine.json").read_text()) if (work / "machine.json").exists() else {}
    meta = json.loads((work / "meta.json").read_text()) if (work / "meta.json").exists() else {}
    n_runs = max((len(v) for v in ind.values()), default=0)

    print(
        f"Workload: {meta.get('students', '?'):,} students, {meta.get('results', '?'):,} results, "
        f"{meta.get('marks', '?'):,} internal marks; median of {n_runs} run(s) per tool, tools interleaved."
    )
    if machine:
        print(
            f"Machine: {machine.get('nproc')} cores ({machine.get('cpu', '?')}), {machine.get('mem_total', '?')} "
            f"memory; load average {machine.get('load_before', '?')} before, {machine.get('load_after', '?')} after."
        )
    print()
    print(
        "| tool | load, s | compute, s | load + compute, s | CPU (all threads), s | peak RSS "
        "| load × oko | compute × oko | total × oko | CPU × oko |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    ref = ind.get(OKO)
    ref_l = med(ref, "load_s") if ref else 0
    ref_c = med(ref, "compute_s") if ref else 0
    ref_cpu = cpu(ref) if ref else 0
    for tool in INDICATOR_TOOLS:
        rs = ind.get(tool)
        if not rs:
            print(f"| {tool} | not measured | | | | | | | | |")
            continue
        l, c, u = med(rs, "load_s"), med(rs, "compute_s"), cpu(rs)
        peak = max(r["peak_rss_bytes"] for r in rs)
        print(
            f"| {tool} | {secs(l)} | {secs(c)} | {secs(l + c)} | {secs(u) if u else '—'} | {mib(peak)} "
            f"| {ratio(l, ref_l)} | {ratio(c, ref_c)} | {ratio(l + c, ref_l + ref_c)} | "
            f"{ratio(u, ref_cpu) if u and ref_cpu else '—'} |"
        )
    print()
    if arrow and ref:
        peak = max(r["peak_rss_bytes"] for r in ref)
        print(
            f"Arrow size of the input (pyarrow tables from the CSVs, nbytes): {mib(arrow['arrow_bytes_all'])} for "
            f"every table oko loads, {mib(arrow['arrow_bytes_used'])} for the columns the pandas/polars "
            f"workload reads. oko's peak RSS is {peak / arrow['arrow_bytes_all']:.2f}× the first "
            f"({peak / arrow['arrow_bytes_used']:.2f}× the second); target ≤ 1.5×."
        )
    if ref and "all_values_s" in ref[0]:
        print(
            f"Beyond the comparison, oko (Rust) computing every indicator of every cell at all six "
            f"levels ({ref[0]['all_values']:,} values, what a full report or "
            f"`Indicators.to_arrow()` computes, against {ref[0]['values']:,} compared): "
            f"{secs(med(ref, 'all_values_s'))} s more ({med(ref, 'all_values_cpu_s'):.2f} CPU s)."
        )
    pending = ref[0].get("pending", []) if ref else []
    if pending:
        print(
            f"Lowered/confirmed/raised shares: computed and cross-checked in pandas and polars; "
            f"oko: pending ({', '.join(pending)} not in this build of oko)."
        )
    print()
    print("| risk-group table | rows | load, s | compute, s | rows/s (compute) | peak RSS | throughput, oko ÷ tool |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    oko_rate = None
    for tool in sorted(risk, key=lambda t: not t.startswith("oko")):
        rs = risk[tool]
        l, c = med(rs, "load_s"), med(rs, "compute_s")
        rows = rs[0]["rows"]
        rate = rows / c if c > 0 else float("inf")
        if tool.startswith("oko"):
            oko_rate = rate
        peak = max(r["peak_rss_bytes"] for r in rs)
        label = tool
        if tool.startswith("oko"):
            label += " — the same table in oko::expr over the per-student columns"
        else:
            label += " — one JSON row per call from Python"
        print(
            f"| {label} | {rows:,} | {secs(l)} | {secs(c)} | {rate:,.0f} | {mib(peak)} | "
            f"{ratio(oko_rate, rate) if oko_rate else '—'} |"
        )
    print()
    if ref:
        tot = ref_l + ref_c
        lines = []
        for tool, want in [("polars", 5), ("pandas", 20)]:
            rs = ind.get(tool)
            if rs:
                r = (med(rs, "load_s") + med(rs, "compute_s")) / tot
                lines.append(f"≥ {want}× {tool}: {r:.1f}× — {'met' if r >= want else 'NOT met'}")
        zen = next((v for k, v in risk.items() if not k.startswith("oko")), None)
        if zen and oko_rate:
            z = zen[0]["rows"] / med(zen, "compute_s")
            lines.append(f"≥ 100× zen-engine throughput: {oko_rate / z:,.0f}× — {'met' if oko_rate / z >= 100 else 'NOT met'}")
        if arrow:
            m = max(r["peak_rss_bytes"] for r in ref) / arrow["arrow_bytes_all"]
            lines.append(f"peak memory ≤ 1.5× Arrow: {m:.2f}× — {'met' if m <= 1.5 else 'NOT met'}")
        print("Targets (full workload, load + compute): " + "; ".join(lines) + ".")


if __name__ == "__main__":
    main()
