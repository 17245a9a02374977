"""oko.Dataset: every input kind, every Arrow cell type, zero copy, policies, errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import oko
from conftest import KINDS, convert, debug_hook

TABLES = [
    "municipalities",
    "schools",
    "classes",
    "teachers",
    "assignments",
    "students",
    "procedures",
    "results",
    "marks",
    "trainings",
    "competency_tests",
    "muko_evidence",
]


def small(**extra: Any) -> dict[str, Any]:
    """A one-school dataset as lists of dicts; `extra` replaces tables."""
    base: dict[str, Any] = {
        "municipalities": [{"id": "m1", "name": "Заречный"}],
        "schools": [{"id": "s1", "name": "СОШ 1", "municipality": "m1"}],
        "classes": [{"id": "c1", "school": "s1", "grade": 4}],
        "students": [{"id": f"p{i}", "class": "c1"} for i in range(4)],
        "procedures": [
            {
                "id": "v1",
                "kind": "vpr",
                "subject": "russian",
                "grade": 4,
                "year": "2025/26",
                "max_score": 24,
            }
        ],
    }
    base.update(extra)
    return base


def results_table(**columns: Any) -> pa.Table:
    """Results of p0..p3 in v1 (marks 3, 4, 5, 2 unless given) with the given columns."""
    data: dict[str, Any] = {
        "student": ["p0", "p1", "p2", "p3"],
        "procedure": ["v1"] * 4,
        "mark": [3, 4, 5, 2],
    }
    data.update(columns)
    return pa.table(data)


@pytest.mark.parametrize("kind", list(KINDS))
def test_round_trip_of_every_input_kind(
    kind: str, tiny: oko.Generated, tiny_tables: dict[str, pa.Table]
) -> None:
    ds = oko.Dataset.from_tables(**convert(tiny_tables, kind))
    assert ds.counts == tiny.dataset.counts
    assert ds.rejected == []
    assert ds.ignored_columns == {}
    assert ds.context_fields == tiny.dataset.context_fields
    out = ds.tables()
    assert list(out) == TABLES
    for name in TABLES:
        assert out[name].equals(tiny_tables[name]), name


def test_polars_stream_without_pyarrow_conversion(tiny_tables: dict[str, pa.Table]) -> None:
    # A polars DataFrame goes through its own __arrow_c_stream__ (string_view columns).
    frames: dict[str, Any] = {k: pl.from_arrow(v) for k, v in tiny_tables.items()}
    assert all(hasattr(f, "__arrow_c_stream__") for f in frames.values())
    ds = oko.Dataset.from_tables(**frames)
    assert ds.tables()["results"].equals(tiny_tables["results"])


def test_counts_and_repr(tiny: oko.Generated) -> None:
    counts = tiny.dataset.counts
    assert list(counts) == TABLES
    assert counts["students"] == 600
    assert "students=600" in repr(tiny.dataset)


def test_muko_evidence() -> None:
    evidence = [
        {"school": "s1", "direction": "1", "component": "goals", "status": "present",
         "link": "https://s1.example/muko/1"},
        {"school": "s1", "direction": "1", "component": "methods", "status": "частично"},
        {"school": "s1", "direction": "1", "component": "analysis", "status": "maybe"},
        {"school": "s1", "direction": "1", "component": "goals", "status": "absent"},
        {"school": "s9", "direction": "2", "component": "goals", "status": "нет"},
    ]
    ds = oko.Dataset.from_tables(**small(muko_evidence=evidence), policy="lenient")
    assert ds.counts["muko_evidence"] == 2
    assert [(e["code"], e["location"]) for e in ds.rejected] == [
        ("data.invalid_value", {"table": "muko_evidence", "row": 3, "column": "status"}),
        ("data.duplicate_id", {"table": "muko_evidence", "row": 4, "column": "component"}),
        ("data.unknown_school", {"table": "muko_evidence", "row": 5, "column": "school"}),
    ]
    out = ds.tables()["muko_evidence"]
    assert out.column("status").to_pylist() == ["present", "partial"]
    assert out.column("link").to_pylist() == ["https://s1.example/muko/1", None]
    assert oko.Dataset.from_tables(**ds.tables()).tables()["muko_evidence"].equals(out)


def test_zero_copy_of_arrow_columns() -> None:
    # The int64 values and the utf8 data seen from Rust are pyarrow's own buffers.
    n = 1_000_000
    t = pa.table(
        {
            "student": pa.array([f"p{i}" for i in range(n)]),
            "primary_score": pa.array(np.arange(n, dtype=np.int64)),
        }
    )
    address = debug_hook("_debug_buffer_address")
    scores = t.column("primary_score").chunk(0)
    assert address(t, 1) == scores.buffers()[1].address
    students = t.column("student").chunk(0)
    assert address(t, 0) == students.buffers()[2].address
    # A polars frame is read through its Arrow stream, in place too: pyarrow sees the same
    # memory through the same interface.
    df = pl.DataFrame({"primary_score": np.arange(n, dtype=np.int64)})
    seen_by_pyarrow = pa.table(df).column(0).chunk(0).buffers()[1].address
    assert address(df, 0) == seen_by_pyarrow


@pytest.mark.parametrize(
    "array",
    [
        pa.array(["p0", "p1", "p2", "p3"], pa.string()),
        pa.array(["p0", "p1", "p2", "p3"], pa.large_string()),
        pa.array(["p0", "p1", "p2", "p3"], pa.string_view()),
        pa.array(["p0", "p1", "p2", "p3"]).dictionary_encode(),
        pa.DictionaryArray.from_arrays(
            pa.array([0, 1, 2, 3], pa.int8()), pa.array(["p0", "p1", "p2", "p3"], pa.large_string())
        ),
    ],
    ids=["utf8", "large_utf8", "utf8_view", "dictionary", "dictionary_int8_large"],
)
def test_string_encodings(array: pa.Array) -> None:
    results = pa.table(
        {"student": array, "procedure": ["v1"] * 4, "primary_score": [1, 2, 3, 4]}
    )
    ds = oko.Dataset.from_tables(**small(results=results))
    out = ds.tables()["results"]
    assert out.column("student").to_pylist() == ["p0", "p1", "p2", "p3"]
    assert out.column("primary_score").to_pylist() == [1, 2, 3, 4]


def test_long_utf8_view_strings() -> None:
    # Views longer than 12 bytes point into data buffers rather than inline.
    ids = [f"student-with-a-long-id-{i}" for i in range(4)]
    students = pa.table({"id": pa.array(ids, pa.string_view()), "class": ["c1"] * 4})
    ds = oko.Dataset.from_tables(**small(students=students))
    assert ds.tables()["students"].column("id").to_pylist() == ids


@pytest.mark.parametrize(
    "type_", [pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.uint8(), pa.uint16(), pa.uint32(), pa.uint64()]
)
def test_integer_widths(type_: pa.DataType) -> None:
    results = results_table(primary_score=pa.array([0, 5, None, 24], type_))
    ds = oko.Dataset.from_tables(**small(results=results))
    assert ds.tables()["results"].column("primary_score").to_pylist() == [0, 5, None, 24]


@pytest.mark.parametrize("type_", [pa.float32(), pa.float64()])
def test_floats_nan_is_null_and_fractions_are_rejected(type_: pa.DataType) -> None:
    results = results_table(primary_score=pa.array([1.0, float("nan"), None, 2.5], type_))
    ds = oko.Dataset.from_tables(**small(results=results), policy="lenient")
    assert ds.tables()["results"].column("primary_score").to_pylist() == [1, None, None]
    assert ds.counts["results"] == 3
    [bad] = ds.rejected
    assert bad["code"] == "data.invalid_value"
    assert bad["location"] == {"table": "results", "row": 4, "column": "primary_score"}


@pytest.mark.parametrize(
    "column",
    [
        pa.array([0.1, 2.5], pa.float64()),
        pa.array([0.1, 2.5], pa.float32()),
        pa.array([Decimal("0.1"), Decimal("2.5")], pa.decimal128(10, 3)),
        pa.array(["0,1", "2.5"]),
    ],
    ids=["float64", "float32", "decimal128", "text"],
)
def test_decimals_are_exact(column: pa.Array) -> None:
    schools = pa.table(
        {"id": ["s1", "s2"], "municipality": ["m1", "m1"], "low_income": column}
    )
    ds = oko.Dataset.from_tables(**small(schools=schools))
    assert ds.context_fields == ["low_income"]
    out = ds.tables()["schools"].column("low_income").to_pylist()
    assert out == [Decimal("0.1"), Decimal("2.5")]
    assert [str(d) for d in out] == ["0.1", "2.5"]


def test_python_float_uses_shortest_repr() -> None:
    # 0.1 is 0.1000000000000000055511151231257827 in binary; oko reads its shortest repr.
    ds = oko.Dataset.from_tables(
        **small(
            schools=[{"id": "s1", "municipality": "m1", "low_income": 0.1}],
            students=[{"id": "p1", "class": "c1", "attendance": 97.3}],
        )
    )
    assert ds.tables()["schools"].column("low_income")[0].as_py() == Decimal("0.1")
    assert ds.tables()["students"].column("attendance")[0].as_py() == Decimal("97.3")
    # pandas float64 columns too.
    df = pd.DataFrame({"id": ["s1"], "municipality": ["m1"], "low_income": [0.1]})
    ds = oko.Dataset.from_tables(**small(schools=df))
    assert ds.tables()["schools"].column("low_income")[0].as_py() == Decimal("0.1")


def test_python_decimal_in_and_out() -> None:
    ds = oko.Dataset.from_tables(
        **small(schools=[{"id": "s1", "municipality": "m1", "low_income": Decimal("12.345")}])
    )
    value = ds.tables()["schools"].column("low_income")[0].as_py()
    assert isinstance(value, Decimal) and str(value) == "12.345"


def test_float_where_an_integer_is_needed() -> None:
    ds = oko.Dataset.from_tables(
        **small(
            results=[
                {"student": "p0", "procedure": "v1", "primary_score": 12.0},
                {"student": "p1", "procedure": "v1", "primary_score": 12.5},
            ]
        ),
        policy="lenient",
    )
    assert ds.tables()["results"].column("primary_score").to_pylist() == [12]
    assert [e["code"] for e in ds.rejected] == ["data.invalid_value"]


def test_booleans() -> None:
    students = pa.table(
        {
            "id": ["p0", "p1", "p2", "p3"],
            "class": ["c1"] * 4,
            "attestat": pa.array([True, False, None, True]),
            "honours": pa.array([1, 0, None, 0], pa.int8()),
        }
    )
    ds = oko.Dataset.from_tables(**small(students=students))
    out = ds.tables()["students"]
    assert out.column("attestat").to_pylist() == [True, False, None, True]
    assert out.column("honours").to_pylist() == [True, False, None, False]


def _trainings(date: Any) -> dict[str, Any]:
    return small(
        teachers=[{"id": "t1", "school": "s1"}],
        trainings=pa.table({"teacher": ["t1", "t1"], "date": date}),
    )


@pytest.mark.parametrize(
    "date",
    [
        pa.array([dt.date(2025, 10, 1), None], pa.date32()),
        pa.array([dt.date(2025, 10, 1), None], pa.date64()),
        pa.array([dt.datetime(2025, 10, 1, 15, 30), None], pa.timestamp("us")),
        pa.array([dt.datetime(2025, 10, 1, 12, 0), None], pa.timestamp("ns")),
        # 22:30 UTC is already 1 October in Moscow.
        pa.array([dt.datetime(2025, 9, 30, 22, 30), None], pa.timestamp("s", tz="Europe/Moscow")),
        pa.array(["2025-10-01", None]),
        pa.array(["01.10.2025", None]),
    ],
    ids=["date32", "date64", "timestamp_us", "timestamp_ns", "timestamp_tz", "iso", "russian"],
)
def test_dates(date: pa.Array) -> None:
    ds = oko.Dataset.from_tables(**_trainings(date), policy="lenient")
    assert ds.tables()["trainings"].column("date").to_pylist() == [dt.date(2025, 10, 1)]
    # The second row has no date: rejected, with its location.
    assert [e["location"] for e in ds.rejected] == [
        {"table": "trainings", "row": 2, "column": "date"}
    ]


def test_pandas_datetimes_and_python_dates() -> None:
    df = pd.DataFrame({"teacher": ["t1"], "date": pd.to_datetime(["2025-10-01"])})
    base = small(teachers=[{"id": "t1", "school": "s1"}])
    ds = oko.Dataset.from_tables(**base, trainings=df)
    assert ds.tables()["trainings"].column("date").to_pylist() == [dt.date(2025, 10, 1)]
    ds = oko.Dataset.from_tables(**base, trainings=[{"teacher": "t1", "date": dt.date(2025, 10, 1)}])
    assert ds.tables()["trainings"].column("date").to_pylist() == [dt.date(2025, 10, 1)]


def test_null_columns() -> None:
    # pandas turns an all-None object column into Arrow's null type.
    df = pd.DataFrame(
        {"student": ["p0", "p1"], "procedure": ["v1", "v1"], "primary_score": [3, 4], "mark": [None, None]}
    )
    ds = oko.Dataset.from_tables(**small(results=df))
    assert ds.tables()["results"].column("mark").to_pylist() == [None, None]


def test_numpy_scalars_in_records() -> None:
    ds = oko.Dataset.from_tables(
        **small(
            results=[
                {"student": "p0", "procedure": "v1", "primary_score": np.int64(7)},
                {"student": "p1", "procedure": "v1", "primary_score": np.float32(8.0)},
            ],
            students=[
                {"id": "p0", "class": "c1", "attestat": np.bool_(True), "attendance": np.float32(0.1)},
                {"id": "p1", "class": "c1"},
            ],
        )
    )
    out = ds.tables()
    assert out["results"].column("primary_score").to_pylist() == [7, 8]
    assert out["students"].column("attestat").to_pylist() == [True, None]
    assert out["students"].column("attendance")[0].as_py() == Decimal("0.1")


def test_pandas_index_is_not_a_column() -> None:
    df = pd.DataFrame({"id": ["m1"], "name": ["Заречный"]}, index=pd.Index([7], name="row"))
    ds = oko.Dataset.from_tables(municipalities=df)
    assert ds.ignored_columns == {}
    assert ds.counts["municipalities"] == 1


def test_pandas_conversion_errors_do_not_quote_values() -> None:
    df = pd.DataFrame(
        {"student": ["p0", "p1"], "procedure": ["v1", "v1"], "mark": [4, "Иванов"]}
    )
    with pytest.raises(oko.DataError) as e:
        oko.Dataset.from_tables(**small(results=df))
    assert e.value.code == "data.invalid_value"
    assert e.value.location == {"table": "results", "row": 0, "column": "mark"}
    assert "Иванов" not in str(e.value)
    assert e.value.__context__ is None or "Иванов" not in str(e.value.__context__)


def test_pandas_categorical_strings() -> None:
    df = pd.DataFrame({"student": ["p0", "p1"], "procedure": pd.Categorical(["v1", "v1"]), "mark": [4, 5]})
    ds = oko.Dataset.from_tables(**small(results=df))
    assert ds.tables()["results"].column("procedure").to_pylist() == ["v1", "v1"]


def test_multiple_batches() -> None:
    t = results_table(primary_score=[1, 2, 3, 4])
    empty = pa.RecordBatch.from_pylist([], schema=t.schema)
    batches = t.to_batches(max_chunksize=1)
    chunked = pa.Table.from_batches([empty, *batches[:2], empty, *batches[2:]])
    assert chunked.column(0).num_chunks == 6
    ds = oko.Dataset.from_tables(**small(results=chunked))
    assert ds.tables()["results"].column("primary_score").to_pylist() == [1, 2, 3, 4]


def test_ignored_columns_are_reported() -> None:
    results = results_table(primary_score=[1, 2, 3, 4], comment=["a", "b", "c", "d"])
    ds = oko.Dataset.from_tables(**small(results=results))
    assert ds.ignored_columns == {"results": ["comment"]}


def test_unsupported_type_in_a_column_oko_reads() -> None:
    results = results_table(primary_score=pa.array([[1], [2], [3], [4]]))
    with pytest.raises(oko.DataError) as e:
        oko.Dataset.from_tables(**small(results=results))
    assert e.value.code == "data.unsupported_type"
    assert e.value.location == {"table": "results", "row": 0, "column": "primary_score"}


def test_unsupported_type_in_an_ignored_column() -> None:
    results = results_table(primary_score=[1, 2, 3, 4], extra=pa.array([[1], [2], [3], [4]]))
    ds = oko.Dataset.from_tables(**small(results=results))
    assert ds.ignored_columns == {"results": ["extra"]}


def test_unsupported_python_value() -> None:
    results = [
        {"student": "p0", "procedure": "v1", "primary_score": 3},
        {"student": "p1", "procedure": "v1", "primary_score": {"secret": 4}},
    ]
    with pytest.raises(oko.DataError) as e:
        oko.Dataset.from_tables(**small(results=results))
    assert e.value.code == "data.unsupported_type"
    assert e.value.location == {"table": "results", "row": 2, "column": "primary_score"}
    assert "secret" not in str(e.value)


def test_empty_list_is_an_absent_table() -> None:
    ds = oko.Dataset.from_tables(**small(results=[], marks=[]))
    assert ds.counts["results"] == 0


def test_empty_arrow_table_still_needs_its_columns() -> None:
    with pytest.raises(oko.DataError) as e:
        oko.Dataset.from_tables(**small(results=pa.table({"student": pa.array([], pa.string())})))
    assert e.value.code == "data.missing_column"
    assert e.value.location == {"table": "results", "row": 0, "column": "procedure"}


@pytest.mark.parametrize("kind", list(KINDS))
def test_strict_policy_lists_every_bad_row(kind: str) -> None:
    results = results_table(mark=[4, 9, 5, 7])
    with pytest.raises(oko.DataError) as e:
        oko.Dataset.from_tables(**small(results=KINDS[kind](results)))
    err = e.value
    assert err.code == "data.mark_out_of_range"
    assert err.location == {"table": "results", "row": 2, "column": "mark"}
    assert [x["location"]["row"] for x in err.errors] == [2, 4]
    # Messages cite places, never values.
    assert "9" not in str(err).replace("row 2", "").replace("row 4", "")
    assert "2 row(s) rejected" in str(err)


@pytest.mark.parametrize("kind", list(KINDS))
def test_lenient_policy_lists_rejected_rows(kind: str) -> None:
    results = results_table(mark=[4, 9, 5, 7])
    ds = oko.Dataset.from_tables(**small(results=KINDS[kind](results)), policy="lenient")
    assert ds.counts["results"] == 2
    assert [(e["code"], e["location"]) for e in ds.rejected] == [
        ("data.mark_out_of_range", {"table": "results", "row": 2, "column": "mark"}),
        ("data.mark_out_of_range", {"table": "results", "row": 4, "column": "mark"}),
    ]
    assert all("message" in e for e in ds.rejected)


def test_duplicates() -> None:
    ds = oko.Dataset.from_tables(
        **small(students=[{"id": "p1", "class": "c1"}, {"id": "p1", "class": "c1"}]),
        policy="lenient",
    )
    [dup] = ds.rejected
    assert dup["code"] == "data.duplicate_id"
    assert dup["location"] == {"table": "students", "row": 2, "column": "id"}


def test_argument_errors() -> None:
    with pytest.raises(ValueError, match="policy"):
        oko.Dataset.from_tables(policy="loose")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="schools"):
        oko.Dataset.from_tables(schools=42)
    with pytest.raises(TypeError, match="not a dict"):
        oko.Dataset.from_tables(schools=[("s1", "m1")])
    with pytest.raises(TypeError):
        oko.Dataset.from_tables(pd.DataFrame())  # type: ignore[call-arg]


def test_nothing_is_an_empty_dataset() -> None:
    ds = oko.Dataset.from_tables()
    assert set(ds.counts.values()) == {0}
