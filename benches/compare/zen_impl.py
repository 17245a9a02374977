"""The ГИА risk-group decision table (risk.jdm.json) in zen-engine, one JSON row per call
from Python, as zen-engine is used: the peer of oko's batch evaluation (oko-risk).

    python zen_impl.py RISK_CSV [--rows K] [--out FILE]

`load`: reading the CSV into one dict per row; `compute`: one `evaluate` call per row over
the first K rows (all rows without --rows).
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import zen

from common import Timer, report

JDM = Path(__file__).with_name("risk.jdm.json")
NUMERIC = ["year_mark", "trial1", "trial2", "min3", "attendance"]


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("risk", type=Path)
    p.add_argument("--rows", type=int)
    p.add_argument("--out", type=Path)
    a = p.parse_args()
    decision = zen.ZenEngine().create_decision(JDM.read_text(encoding="utf-8"))

    t = Timer()
    rows = []
    with a.risk.open(newline="", encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f)):
            if a.rows is not None and i >= a.rows:
                break
            for k in NUMERIC:
                v = row[k]
                row[k] = int(v) if v.lstrip("-").isdigit() else (float(v) if v else None)
            rows.append(row)
    load_s = t.lap()
    risk = [decision.evaluate(r)["result"].get("risk") for r in rows]
    compute_s = t.lap()

    if a.out:
        with a.out.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["student", "subject", "risk"])
            for r, k in zip(rows, risk):
                w.writerow([r["student"], r["subject"], k or ""])
    report("zen-engine", load_s, compute_s, t, rows=len(rows), version=getattr(zen, "__version__", "2.1"))


if __name__ == "__main__":
    main()
