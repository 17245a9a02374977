"""oko.aggregate, oko.Indicators and oko.indicator_catalogue."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import oko
from conftest import KINDS

COLUMNS = ["level", "entity", "scope", "indicator", "value", "n", "limited"]
SCOPE = "vpr russian 4 2025/26"


def t1_tables() -> dict[str, pa.Table]:
    """DOMAIN.md T1: 25 students with n5=5, n4=10, n3=8, n2=2 in one class."""
    marks = [5] * 5 + [4] * 10 + [3] * 8 + [2] * 2
    n = len(marks)
    return {
        "municipalities": pa.table({"id": ["m1"], "name": ["Заречный"]}),
        "schools": pa.table({"id": ["s1"], "name": ["СОШ 1"], "municipality": ["m1"]}),
        "classes": pa.table({"id": ["c1"], "school": ["s1"], "grade": [4], "name": ["4А"]}),
        "students": pa.table({"id": [f"p{i}" for i in range(n)], "class": ["c1"] * n}),
        "procedures": pa.table(
            {
                "id": ["v1"],
                "kind": ["vpr"],
                "subject": ["russian"],
                "grade": [4],
                "year": ["2025/26"],
                "max_score": [24],
            }
        ),
        "results": pa.table(
            {
                "student": [f"p{i}" for i in range(n)],
                "procedure": ["v1"] * n,
                "primary_score": [{5: 22, 4: 18, 3: 12, 2: 5}[m] for m in marks],
                "mark": marks,
            }
        ),
    }


@pytest.mark.parametrize("kind", list(KINDS))
def test_domain_vector_t1_from_every_input_kind(kind: str) -> None:
    tables = {k: KINDS[kind](v) for k, v in t1_tables().items()}
    ind = oko.aggregate(oko.Dataset.from_tables(**tables))
    for level, entity in [("class", "c1"), ("grade", "s1/4"), ("school", "s1"), ("region", "region")]:
        assert ind.value(level, entity, SCOPE, "pass_rate") == Decimal("92")
        assert ind.value(level, entity, SCOPE, "quality_rate") == Decimal("60")
        assert ind.value(level, entity, SCOPE, "mean_mark") == Decimal("3.72")
        assert ind.value(level, entity, SCOPE, "sou") == Decimal("58.4")
        assert ind.value(level, entity, SCOPE, "count") == Decimal("25")


def test_value_is_exact_and_normalized() -> None:
    tables = t1_tables()
    tables["results"] = tables["results"].slice(0, 3)  # three 5s with 22 of 24 points each
    ind = oko.aggregate(oko.Dataset.from_tables(**tables), min_sample=2)
    v = ind.value("school", "s1", SCOPE, "completion_rate")
    assert isinstance(v, Decimal)
    assert str(v).startswith("91.66666666666666666666666")  # 66 / 72 × 100, not a float
    assert str(ind.value("school", "s1", SCOPE, "pass_rate")) == "100"
    row = ind.to_pandas().query("level == 'school' and indicator == 'completion_rate'")
    assert row["value"].iloc[0] == v


def test_to_arrow_schema_and_rows(tiny: oko.Generated) -> None:
    ind = oko.aggregate(tiny.dataset)
    t = ind.to_arrow()
    assert isinstance(t, pa.Table)
    assert t.column_names == COLUMNS
    assert t.schema.field("value").type == pa.decimal128(38, 28)
    assert t.schema.field("n").type == pa.int64()
    assert t.schema.field("limited").type == pa.bool_()
    assert t.num_rows == len(ind) > 0
    assert set(t.column("level").to_pylist()) == {
        "class",
        "grade",
        "teacher",
        "school",
        "municipality",
        "region",
    }
    assert set(t.column("scope").to_pylist()) == set(ind.scopes)
    # Each row agrees with value().
    for row in t.slice(0, 200).to_pylist() + t.slice(t.num_rows - 200).to_pylist():
        v = ind.value(row["level"], row["entity"], row["scope"], row["indicator"])
        assert v == row["value"]


def test_rows_come_in_order_across_parts(tiny: oko.Generated) -> None:
    # The table is written in parts on several threads: their seams must not show.
    t = oko.aggregate(tiny.dataset).to_arrow()
    levels = ["class", "grade", "teacher", "school", "municipality", "region"]
    order = [levels.index(x) for x in t.column("level").to_pylist()]
    assert order == sorted(order)
    keys = list(
        zip(
            t.column("level").to_pylist(),
            t.column("entity").to_pylist(),
            t.column("scope").to_pylist(),
            t.column("indicator").to_pylist(),
        )
    )
    assert len(set(keys)) == len(keys)
    # Each cell's rows are together, in catalogue order.
    catalogue = [i["id"] for i in oko.indicator_catalogue()]
    cells: dict[tuple[str, str, str], list[int]] = {}
    for level, entity, scope, indicator in keys:
        cells.setdefault((level, entity, scope), []).append(catalogue.index(indicator))
    assert all(ids == sorted(ids) for ids in cells.values())
    runs = sum(1 for a, b in zip(keys, keys[1:]) if a[:3] != b[:3]) + 1
    assert runs == len(cells)


def test_an_empty_dataset_gives_an_empty_table() -> None:
    ds = oko.Dataset.from_tables(municipalities=pa.table({"id": ["m1"], "name": ["M"]}))
    ind = oko.aggregate(ds)
    t = ind.to_arrow()
    assert len(ind) == t.num_rows == 0
    assert t.column_names == COLUMNS


def test_to_pandas_and_to_polars(tiny: oko.Generated) -> None:
    ind = oko.aggregate(tiny.dataset)
    df = ind.to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == COLUMNS
    assert len(df) == len(ind)
    assert all(isinstance(v, Decimal) for v in df["value"].dropna().head(100))
    pf = ind.to_polars()
    assert isinstance(pf, pl.DataFrame)
    assert pf.columns == COLUMNS
    assert pf.schema["value"] == pl.Decimal(38, 28)
    assert pf.height == len(ind)
    region = pf.filter(
        (pl.col("level") == "region") & (pl.col("indicator") == "pass_rate")
    ).row(0, named=True)
    assert region["value"] == ind.value("region", "region", region["scope"], "pass_rate")


def test_limited_samples(tiny: oko.Generated) -> None:
    strict = oko.aggregate(tiny.dataset, min_sample=1000).to_arrow()
    assert all(strict.column("limited").to_pylist())
    loose = oko.aggregate(tiny.dataset, min_sample=0).to_arrow()
    assert not any(loose.column("limited").to_pylist())
    assert oko.aggregate(tiny.dataset).min_sample == 10


def test_value_lookups_and_errors(tiny: oko.Generated) -> None:
    ind = oko.aggregate(tiny.dataset)
    scope = ind.scopes[0]
    # An indicator that does not apply to the scope.
    assert ind.value("region", "region", scope, "share_teachers_trained") is None
    with pytest.raises(ValueError, match="level"):
        ind.value("planet", "region", scope, "pass_rate")
    with pytest.raises(ValueError, match="indicator"):
        ind.value("region", "region", scope, "happiness")
    with pytest.raises(KeyError):
        ind.value("school", "no-such-school", scope, "pass_rate")
    with pytest.raises(KeyError):
        ind.value("region", "region", "no such scope", "pass_rate")


def test_generated_data_uses_the_generators_scales(tiny: oko.Generated) -> None:
    # Results without a mark get one from the generator's scales; a dataset built from the
    # same tables has no scales (until rules provide them), so those results have no mark.
    with_scales = oko.aggregate(tiny.dataset)
    without = oko.aggregate(oko.Dataset.from_tables(**tiny.tables()))
    counts = [
        (with_scales.value("region", "region", s, "count"), without.value("region", "region", s, "count"))
        for s in with_scales.scopes
    ]
    assert all(a is None or b is None or a >= b for a, b in counts)
    assert any(a is not None and b is not None and a > b for a, b in counts)


def test_repr_html(tiny: oko.Generated) -> None:
    ind = oko.aggregate(tiny.dataset)
    html = ind._repr_html_()
    assert html.startswith("<div") and "<table>" in html
    assert ind.scopes[0] in html
    assert "pass_rate" in html
    assert "Indicators(" in repr(ind)


def test_two_aggregations_in_two_threads(tiny: oko.Generated) -> None:
    district = oko.generate("district", seed=2).dataset
    expected = {
        "tiny": oko.aggregate(tiny.dataset).to_arrow(),
        "district": oko.aggregate(district).to_arrow(),
    }
    got: dict[str, Any] = {}
    start = threading.Barrier(2)

    def run(name: str, ds: oko.Dataset) -> None:
        start.wait()
        got[name] = oko.aggregate(ds).to_arrow()

    threads = [
        threading.Thread(target=run, args=("tiny", tiny.dataset)),
        threading.Thread(target=run, args=("district", district)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got["tiny"].equals(expected["tiny"])
    assert got["district"].equals(expected["district"])


def test_indicator_catalogue() -> None:
    cat = oko.indicator_catalogue()
    ids = [i["id"] for i in cat]
    assert len(ids) == len(set(ids))
    assert {"pass_rate", "quality_rate", "sou", "mean_mark", "completion_rate"} <= set(ids)
    for entry in cat:
        assert set(entry) == {"id", "name_ru", "name_en", "unit", "source", "formula", "reference"}
        assert entry["unit"] in {"percent", "mark", "score", "count", "points", "number"}
        assert all(entry.values())
    pass_rate = next(i for i in cat if i["id"] == "pass_rate")
    assert pass_rate["name_ru"] == "Успеваемость"
    assert pass_rate["unit"] == "percent"
