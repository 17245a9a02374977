"""In-memory Arrow size of the comparison input (pyarrow tables read from the CSVs, nbytes):
every table oko loads, and only the columns the pandas/polars workload reads.

    python arrow_size.py REGION_DIR   → one JSON line
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow.csv as pacsv

USED = {
    "results.csv": ["student", "procedure", "class", "primary_score", "mark"],
    "students.csv": ["id", "class"],
    "classes.csv": ["id", "school", "grade"],
    "schools.csv": ["id", "municipality"],
    "procedures.csv": ["id", "kind", "subject", "year", "max_score", "scale"],
    "marks.csv": None,
}


def main():
    region = Path(sys.argv[1])
    total, used, tables = 0, 0, {}
    for f in sorted(region.glob("*.csv")):
        t = pacsv.read_csv(f)
        tables[f.name] = t.nbytes
        total += t.nbytes
        if f.name in USED:
            cols = USED[f.name]
            used += (t.select(cols) if cols else t).nbytes
    print(json.dumps({"arrow_bytes_all": total, "arrow_bytes_used": used, "tables": tables}))


if __name__ == "__main__":
    main()
