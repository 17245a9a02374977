"""Cross-checks the outputs of the comparison before anything is timed; exits 1 on any
difference.

- Every indicator value at every level (cells keyed by level, entity, procedure, indicator):
  oko (exact decimals, as text) against pandas and polars (float64), and pandas against
  polars. Counts and medians must be equal exactly (they are integers or halves, exact in
  float64); the other values to a relative 1e-9. Undefined values (oko: empty; Python: NaN or
  null) must be undefined on both sides, and the sets of cells must be the same.
  Indicators this build of oko does not have (reported by oko-compare as `pending`) are
  compared between pandas and polars only.
- The flagged (school, procedure) pairs of the 15% district rule: equal sets.
- The risk group of every (student, subject) that zen-engine evaluated: equal to oko's.

    python check.py WORK_DIR   (holds oko/, pandas/, polars/ and the risk outputs)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polars as pl

EXACT = {"count", "score_count", "median_score"}
REL = 1e-9
KEY = ["level", "entity", "procedure", "indicator"]


def load_python(path: Path, name: str) -> pl.DataFrame:
    df = pl.read_parquet(path)
    return df.with_columns(pl.col("value").fill_nan(None)).rename({"value": name})


def compare(a: pl.DataFrame, b: pl.DataFrame, an: str, bn: str, only=None) -> list[str]:
    if only is not None:
        a = a.filter(pl.col("indicator").is_in(only))
        b = b.filter(pl.col("indicator").is_in(only))
    problems = []
    j = a.join(b, on=KEY, how="full", coalesce=True)
    missing = j.filter(pl.col(f"has_{an}").is_null() | pl.col(f"has_{bn}").is_null())
    if missing.height:
        problems.append(f"{missing.height} cells in only one of {an}, {bn}, e.g.\n{missing.head(5)}")
    j = j.filter(pl.col(f"has_{an}").is_not_null() & pl.col(f"has_{bn}").is_not_null())
    x, y = pl.col(an), pl.col(bn)
    exact = pl.col("indicator").is_in(list(EXACT))
    ok = (
        (x.is_null() & y.is_null())
        | (
            x.is_not_null()
            & y.is_not_null()
            & pl.when(exact).then(x == y).otherwise((x - y).abs() <= REL * pl.max_horizontal(x.abs(), pl.lit(1.0)))
        )
    ).fill_null(False)
    bad = j.filter(~ok)
    if bad.height:
        problems.append(f"{bad.height} values differ between {an} and {bn}, e.g.\n{bad.head(10)}")
    return problems


def main():
    work = Path(sys.argv[1])
    oko_meta = json.loads((work / "oko" / "run.json").read_text())
    pending = set(oko_meta.get("pending", []))
    oko = pl.read_csv(work / "oko" / "values.csv", schema_overrides={"value": pl.String}).with_columns(
        pl.col("value").cast(pl.Float64).alias("oko"), pl.lit(True).alias("has_oko")
    ).drop("value")
    pd_ = load_python(work / "pandas" / "values.parquet", "pandas").with_columns(pl.lit(True).alias("has_pandas"))
    pl_ = load_python(work / "polars" / "values.parquet", "polars").with_columns(pl.lit(True).alias("has_polars"))
    inds = pd_["indicator"].unique().to_list()
    on_oko = [i for i in inds if i not in pending]
    problems = []
    problems += compare(pd_, pl_, "pandas", "polars")
    problems += compare(oko, pd_, "oko", "pandas", only=on_oko)
    problems += compare(oko, pl_, "oko", "polars", only=on_oko)
    n_values = pd_.height

    flags = {}
    for tool in ["oko", "pandas", "polars"]:
        df = pl.read_csv(work / tool / "flagged.csv", schema_overrides={"school": pl.String, "procedure": pl.String})
        flags[tool] = set(df.iter_rows())
    for tool in ["pandas", "polars"]:
        if flags[tool] != flags["oko"]:
            d = sorted(flags[tool] ^ flags["oko"])
            problems.append(f"flagged pairs differ between oko and {tool}: {len(d)}, e.g. {d[:10]}")

    oko_risk = pl.read_csv(work / "oko" / "risk.csv", schema_overrides={"risk": pl.String})
    zen_risk = pl.read_csv(work / "zen" / "risk.csv", schema_overrides={"risk": pl.String})
    j = zen_risk.join(oko_risk, on=["student", "subject"], how="left", suffix="_oko")
    bad = j.filter(pl.col("risk").ne_missing(pl.col("risk_oko")))
    if bad.height:
        problems.append(f"risk group differs for {bad.height} of {j.height} rows, e.g.\n{bad.head(10)}")

    if problems:
        print("CROSS-CHECK FAILED")
        for p in problems:
            print(" -", p)
        sys.exit(1)
    print(
        f"cross-check ok: {n_values} indicator values (oko: {len(on_oko)} indicators; pending in oko: "
        f"{', '.join(sorted(pending)) or 'none'}), {len(flags['oko'])} flagged (school, procedure) pairs, "
        f"{j.height} risk rows"
    )


if __name__ == "__main__":
    main()
