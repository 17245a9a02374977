"""The comparison workload in polars (the same as pandas_impl.py, in polars' lazy API, all
levels collected together so polars can run them in parallel).

    python polars_impl.py REGION_DIR --rules RULES_DIR [--out DIR]
"""

from __future__ import annotations

import polars as pl

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
        "results": pl.read_csv(
            region / "results.csv",
            columns=["student", "procedure", "class", "primary_score", "mark"],
            schema_overrides={"class": pl.String},
        ),
        "students": pl.read_csv(region / "students.csv", columns=["id", "class"]),
        "classes": pl.read_csv(region / "classes.csv", columns=["id", "school", "grade"]),
        "schools": pl.read_csv(region / "schools.csv", columns=["id", "municipality"]),
        "procedures": pl.read_csv(
            region / "procedures.csv",
            columns=["id", "kind", "subject", "year", "max_score", "scale"],
        ),
        "marks": pl.read_csv(region / "marks.csv", schema_overrides={"mark": pl.String}),
    }


def mark_code(col: str) -> pl.Expr:
    """Marks as oko's codes (1..5, 6 «н/а», 7 «осв.»), read as text."""
    return pl.col(col).cast(pl.String).replace_strict(MARK_CODES, default=None, return_dtype=pl.Int8)


def scale_mark(scales) -> pl.Expr:
    """The mark of a primary score on the procedure's scale (ЕГЭ: no reported mark)."""
    expr = pl.lit(None, dtype=pl.Int8)
    for scale_id, bands in scales.items():
        if bands is None:
            continue
        m = pl.lit(None, dtype=pl.Int8)
        for lo, mark in bands:  # ascending: the last band whose minimum is reached wins
            m = pl.when(pl.col("primary_score") >= lo).then(pl.lit(mark, dtype=pl.Int8)).otherwise(m)
        expr = pl.when(pl.col("scale") == scale_id).then(m).otherwise(expr)
    return expr


def indicators() -> list[pl.Expr]:
    f = lambda c: pl.col(c).cast(pl.Float64)  # noqa: E731
    m1, m2, m3, m4, m5, mna = (f(c) for c in ["m1", "m2", "m3", "m4", "m5", "mna"])
    n = m1 + m2 + m3 + m4 + m5 + mna
    nz = pl.when(n > 0).then(n)
    graded = pl.when(n - mna > 0).then(n - mna)
    ns = pl.when(pl.col("score_count") > 0).then(f("score_count"))
    paired = pl.when(pl.col("paired") > 0).then(f("paired"))
    e = {
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
        "score_count": f("score_count"),
        "mean_score": f("score_sum") / ns,
        "median_score": f("median_score"),
        "completion_rate": f("score_sum") * 100 / (ns * f("max_score")),
        "share_lowered": f("lo") * 100 / paired,
        "share_confirmed": f("co") * 100 / paired,
        "share_raised": f("ra") * 100 / paired,
    }
    return [e[i].alias(i) for i in INDICATORS]


def compute(t, scales):
    st = t["students"].lazy().rename({"id": "student", "class": "student_class"})
    cl = t["classes"].lazy().rename({"id": "class"})
    sc = t["schools"].lazy().rename({"id": "school"})
    pr = t["procedures"].lazy().rename({"id": "procedure"})
    ym = (
        t["marks"]
        .lazy()
        .filter(pl.col("period") == "year")
        .select("student", "subject", "year", mark_code("mark").alias("year_mark"))
    )
    paired = (pl.col("ext").is_between(1, 5) & pl.col("year_mark").is_between(1, 5)).fill_null(False)
    # Reported marks (numbers, or text such as «н/а» when a file has any), else the scale's.
    reported = mark_code("mark") if t["results"]["mark"].dtype == pl.String else pl.col("mark").cast(pl.Int8)
    mark = pl.coalesce(reported, scale_mark(scales))
    r = (
        t["results"]
        .lazy()
        .join(st, on="student", how="left")
        .with_columns(pl.coalesce("class", "student_class").alias("class"))
        .join(cl, on="class", how="left")
        .join(sc, on="school", how="left")
        .join(pr.select("procedure", "subject", "year", "scale", "max_score"), on="procedure", how="left")
        .with_columns(mark.alias("ext"))
        .join(ym, on=["student", "subject", "year"], how="left")
        .with_columns(
            *[(pl.col("ext") == k).cast(pl.Int32).alias(f"m{k}") for k in range(1, 6)],
            (pl.col("ext") == 6).cast(pl.Int32).alias("mna"),
        )
        .with_columns(
            paired.cast(pl.Int32).alias("paired"),
            (paired & (pl.col("ext") < pl.col("year_mark"))).fill_null(False).cast(pl.Int32).alias("lo"),
            (paired & (pl.col("ext") == pl.col("year_mark"))).fill_null(False).cast(pl.Int32).alias("co"),
            (paired & (pl.col("ext") > pl.col("year_mark"))).fill_null(False).cast(pl.Int32).alias("ra"),
            pl.lit("region").alias("region"),
            (pl.col("school") + "/" + pl.col("grade").cast(pl.String)).alias("grade_id"),
        )
    )
    # A missing mark with a score, on a scale that needs task groups, cannot be derived here.
    unsupported = [k for k, b in scales.items() if b is None]
    r = r.cache()
    keys = {
        "class": "class",
        "grade": "grade_id",
        "school": "school",
        "municipality": "municipality",
        "region": "region",
    }
    frames = []
    for level, k in keys.items():
        g = r.group_by(k, "procedure").agg(
            *[pl.col(c).sum() for c in SUMS],
            pl.col("primary_score").count().alias("score_count"),
            pl.col("primary_score").sum().alias("score_sum"),
            pl.col("primary_score").median().alias("median_score"),
            pl.col("max_score").first(),
        )
        frames.append(
            g.select(
                pl.col(k).alias("entity"),
                "procedure",
                *indicators(),
                pl.col("score_count").alias("n_scores"),
                "score_sum",
                pl.col("median_score").alias("median_raw"),
            )
        )
    check = r.filter(
        pl.col("mark").is_null() & pl.col("primary_score").is_not_null() & pl.col("scale").is_in(unsupported)
    ).select(pl.len())
    *levels, bad = pl.collect_all(frames + [check])
    if bad.item() > 0:
        raise SystemExit("deriving marks needs task groups for some scale")
    tables = dict(zip(keys, levels))
    flagged = district_rule(tables["school"], tables["municipality"], t["schools"], t["procedures"])
    tables = {k: v.select("entity", "procedure", *INDICATORS) for k, v in tables.items()}
    return tables, flagged


def district_rule(school, mun, schools, procedures):
    """As pandas_impl.district_rule: exact, cross-multiplied integers."""
    s = (
        school.join(schools.rename({"id": "entity"}), on="entity", how="left")
        .join(procedures.select(pl.col("id").alias("procedure"), "kind"), on="procedure", how="left")
        .filter(pl.col("kind").is_in(list(RULE_KINDS)))
    )
    m = mun.select(
        pl.col("entity").alias("municipality"),
        "procedure",
        pl.col("n_scores").alias("n_m"),
        pl.col("score_sum").alias("sum_m"),
        pl.col("median_raw").alias("median_m"),
    )
    j = s.join(m, on=["municipality", "procedure"])
    i64 = lambda c: pl.col(c).cast(pl.Int64)  # noqa: E731
    x2 = (pl.col("median_raw") * 2).round().cast(pl.Int64)
    r2 = (pl.col("median_m") * 2).round().cast(pl.Int64)
    known = (pl.col("n_scores") >= MIN_SAMPLE) & (pl.col("n_m") >= MIN_SAMPLE)
    gap_median = (r2 > 0) & (100 * x2 <= 85 * r2)
    gap_mean = (i64("sum_m") > 0) & (100 * i64("score_sum") * i64("n_m") <= 85 * i64("sum_m") * i64("n_scores"))
    return (
        j.filter(known & (gap_median | gap_mean))
        .select(pl.col("entity").alias("school"), "procedure")
        .sort("school", "procedure")
    )


def write_out(out, tables, flagged):
    out.mkdir(parents=True, exist_ok=True)
    long = [
        df.unpivot(index=["entity", "procedure"], variable_name="indicator", value_name="value").select(
            pl.lit(level).alias("level"), "entity", "procedure", "indicator", "value"
        )
        for level, df in tables.items()
    ]
    pl.concat(long).write_parquet(out / "values.parquet")
    flagged.write_csv(out / "flagged.csv")


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
    report("polars", load_s, compute_s, t, version=pl.__version__, threads=pl.thread_pool_size(), flagged=len(flagged))


if __name__ == "__main__":
    main()
