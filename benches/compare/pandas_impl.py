"""The comparison workload in pandas, written as an analyst would: read the CSV tables, join
the hierarchy onto the results, derive the ЕГЭ marks from the scales, and group by each level.

Per procedure, at the class, grade, school, municipality and region levels: count, pass
rate, quality rate, СОУ, mean mark, mark shares, score count, mean score, exact median,
completion rate, and the lowered/confirmed/raised shares (external mark vs the student's year
mark in the same subject and year); then the 15% district rule per school × procedure.

The rule is decided in exact integer arithmetic (cross-multiplied), as oko decides it in
exact decimals: x ≤ 0.85 · reference  ⇔  100 · x ≤ 85 · reference for reference > 0.

    python pandas_impl.py REGION_DIR --rules RULES_DIR [--out DIR]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from common import (
    INDICATORS,
    MARK_CODES,
    MIN_SAMPLE,
    RULE_KINDS,
    Timer,
    parse_args,
    read_scales,
    report,
)

SUMS = ["m1", "m2", "m3", "m4", "m5", "mna", "paired", "lo", "co", "ra"]


def load(region):
    return {
        "results": pd.read_csv(
            region / "results.csv",
            usecols=["student", "procedure", "class", "primary_score", "mark"],
        ),
        "students": pd.read_csv(region / "students.csv", usecols=["id", "class"]),
        "classes": pd.read_csv(region / "classes.csv", usecols=["id", "school", "grade"]),
        "schools": pd.read_csv(region / "schools.csv", usecols=["id", "municipality"]),
        "procedures": pd.read_csv(
            region / "procedures.csv",
            usecols=["id", "kind", "subject", "year", "max_score", "scale"],
        ),
        "marks": pd.read_csv(region / "marks.csv"),
    }


def mark_codes(s: pd.Series) -> pd.Series:
    """Marks as oko's codes (float, NaN when missing), whether read as numbers or text."""
    if pd.api.types.is_numeric_dtype(s):
        return s.astype("float64")
    return s.map(MARK_CODES).astype("float64")


def indicators(g: pd.DataFrame) -> pd.DataFrame:
    """Every indicator from the summed counts of a level's groups."""
    m1, m2, m3, m4, m5, mna = (g[c].astype("float64") for c in ["m1", "m2", "m3", "m4", "m5", "mna"])
    n = m1 + m2 + m3 + m4 + m5 + mna
    nz = n.where(n > 0)
    graded = (n - mna).where(n - mna > 0)
    ns = g["score_count"].astype("float64").where(g["score_count"] > 0)
    paired = g["paired"].astype("float64").where(g["paired"] > 0)
    out = pd.DataFrame(
        {
            "count": n,
            "pass_rate": (m5 + m4 + m3) * 100 / nz,
            "quality_rate": (m5 + m4) * 100 / nz,
            "sou": (100 * m5 + 64 * m4 + 36 * m3 + 16 * m2 + 7 * (m1 + mna)) / nz,
            "mean_mark": (5 * m5 + 4 * m4 + 3 * m3 + 2 * m2 + m1) / graded,
            "share_mark_5": m5 * 100 / nz,
            "share_mark_4": m4 * 100 / nz,
            "share_mark_3": m3 * 100 / nz,
            "share_mark_2": m2 * 100 / nz,
            "share_mark_1": m1 * 100 / nz,
            "share_not_assessed": mna * 100 / nz,
            "score_count": g["score_count"].astype("float64"),
            "mean_score": g["score_sum"] / ns,
            "median_score": g["median_score"],
            "completion_rate": g["score_sum"] * 100 / (ns * g["max_score"]),
            "share_lowered": g["lo"] * 100 / paired,
            "share_confirmed": g["co"] * 100 / paired,
            "share_raised": g["ra"] * 100 / paired,
        },
        index=g.index,
    )
    return out[INDICATORS]


def compute(t, scales):
    r = t["results"]
    st = t["students"].rename(columns={"id": "student", "class": "student_class"})
    r = r.merge(st, on="student", how="left")
    # A result names its class only when written outside the student's own class.
    r["class"] = r["student_class"].where(r["class"].isna(), r["class"])
    cl = t["classes"].rename(columns={"id": "class"})
    r = r.merge(cl, on="class", how="left")
    sc = t["schools"].rename(columns={"id": "school"})
    r = r.merge(sc, on="school", how="left")
    pr = t["procedures"].rename(columns={"id": "procedure"})
    r = r.merge(pr[["procedure", "subject", "year", "scale"]], on="procedure", how="left")

    # Marks: as reported, else from the procedure's scale (ЕГЭ).
    mark = mark_codes(r["mark"])
    need = mark.isna() & r["primary_score"].notna()
    if need.any():
        for scale_id, idx in r[need].groupby("scale").groups.items():
            bands = scales.get(scale_id)
            if bands is None:
                raise SystemExit(f"scale {scale_id}: deriving marks needs task groups")
            mins = np.array([b[0] for b in bands])
            marks = np.array([b[1] for b in bands], dtype="float64")
            pos = np.searchsorted(mins, r.loc[idx, "primary_score"].to_numpy(), side="right") - 1
            mark.loc[idx] = np.where(pos >= 0, marks[np.maximum(pos, 0)], np.nan)
    for k in range(1, 6):
        r[f"m{k}"] = (mark == k).astype("int32")
    r["mna"] = (mark == 6).astype("int32")

    # The student's year mark in the same subject and academic year.
    mk = t["marks"]
    ym = mk.loc[mk["period"] == "year", ["student", "subject", "year", "mark"]]
    ym = ym.rename(columns={"mark": "year_mark"})
    ym["year_mark"] = mark_codes(ym["year_mark"])
    r = r.merge(ym, on=["student", "subject", "year"], how="left")
    ext_ok = mark.between(1, 5).to_numpy()
    yv = r["year_mark"]
    paired = ext_ok & yv.between(1, 5).to_numpy()
    ext = mark.to_numpy()
    r["paired"] = paired.astype("int32")
    r["lo"] = (paired & (ext < yv.to_numpy())).astype("int32")
    r["co"] = (paired & (ext == yv.to_numpy())).astype("int32")
    r["ra"] = (paired & (ext > yv.to_numpy())).astype("int32")
    r["region"] = "region"

    max_score = pr.set_index("procedure")["max_score"]
    keys = {
        "class": ["class"],
        "grade": ["school", "grade"],
        "school": ["school"],
        "municipality": ["municipality"],
        "region": ["region"],
    }
    tables = {}
    raw = {}
    for level, k in keys.items():
        g = r.groupby(k + ["procedure"], sort=False).agg(
            **{c: (c, "sum") for c in SUMS},
            score_count=("primary_score", "count"),
            score_sum=("primary_score", "sum"),
            median_score=("primary_score", "median"),
        )
        g = g.reset_index()
        g["max_score"] = g["procedure"].map(max_score)
        if level == "grade":
            g["entity"] = g["school"] + "/" + g["grade"].astype(str)
        else:
            g["entity"] = g[k[0]]
        ind = indicators(g)
        ind.insert(0, "procedure", g["procedure"])
        ind.insert(0, "entity", g["entity"])
        tables[level] = ind
        raw[level] = g

    flagged = district_rule(raw["school"], raw["municipality"], sc, pr)
    return tables, flagged


def district_rule(school, mun, schools, procedures):
    """(school, procedure) pairs 15% or more below the municipality in median, completion
    rate or mean score; exact: cross-multiplied integers."""
    s = school.merge(schools, on="school", how="left")
    s = s.merge(procedures[["procedure", "kind"]], on="procedure", how="left")
    s = s[s["kind"].isin(RULE_KINDS)]
    m = mun[["municipality", "procedure", "score_count", "score_sum", "median_score"]]
    j = s.merge(m, on=["municipality", "procedure"], suffixes=("", "_m"))
    known = (j["score_count"] >= MIN_SAMPLE) & (j["score_count_m"] >= MIN_SAMPLE)
    x2 = (j["median_score"] * 2).round().astype("int64")
    r2 = (j["median_score_m"] * 2).round().astype("int64")
    n, total = j["score_count"].astype("int64"), j["score_sum"].astype("int64")
    nm, total_m = j["score_count_m"].astype("int64"), j["score_sum_m"].astype("int64")
    gap_median = (r2 > 0) & (100 * x2 <= 85 * r2)
    # Mean and completion rate (same maximum on both sides) give the same ratio.
    gap_mean = (total_m > 0) & (100 * total * nm <= 85 * total_m * n)
    flag = known & (gap_median | gap_mean)
    return j.loc[flag, ["school", "procedure"]].sort_values(["school", "procedure"])


def write_out(out, tables, flagged):
    out.mkdir(parents=True, exist_ok=True)
    long = []
    for level, df in tables.items():
        m = df.melt(id_vars=["entity", "procedure"], var_name="indicator", value_name="value")
        m.insert(0, "level", level)
        long.append(m)
    pd.concat(long, ignore_index=True).to_parquet(out / "values.parquet", index=False)
    flagged.to_csv(out / "flagged.csv", index=False)


def main():
    a = parse_args(__doc__)
    scales = read_scales(a.rules)
    t = Timer()
    tables = load(a.region)
    load_s = t.lap()
    values, flagged = compute(tables, scales)
    compute_s = t.lap()
    if a.out:
        write_out(a.out, values, flagged)
    report("pandas", load_s, compute_s, t, version=pd.__version__, flagged=len(flagged))


if __name__ == "__main__":
    main()
