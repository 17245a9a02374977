"""oko.generate and oko.Generated."""

from __future__ import annotations

import pyarrow as pa
import pytest

import oko

ANOMALIES = {"inflated_external", "helped_hard_tasks", "heaping", "inflated_internal", "low_results"}


def test_presets() -> None:
    tiny = oko.generate("tiny")
    assert tiny.dataset.counts["municipalities"] == 2
    assert tiny.dataset.counts["schools"] == 6
    district = oko.generate()
    assert district.dataset.counts["schools"] == 24
    assert district.config["seed"] == 1


def test_deterministic(tiny_tables: dict[str, pa.Table]) -> None:
    again = oko.generate("tiny", seed=1).tables()
    assert all(again[k].equals(v) for k, v in tiny_tables.items())
    other = oko.generate("tiny", seed=2).tables()
    assert not other["results"].equals(tiny_tables["results"])


def test_overrides() -> None:
    g = oko.generate("tiny", seed=3, students=300, trials=False, low_results=0.5)
    assert g.config["students"] == 300
    assert g.config["trials"] is False
    assert g.config["low_results"] == 0.5
    assert 0 < g.dataset.counts["students"] <= 300
    with pytest.raises(TypeError, match="unexpected keyword"):
        oko.generate("tiny", pupils=10)
    with pytest.raises(TypeError, match="must be a bool"):
        oko.generate("tiny", students="many")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="invalid override"):
        oko.generate("tiny", students=-5)
    with pytest.raises(ValueError, match="preset"):
        oko.generate("planet")  # type: ignore[arg-type]


def test_truth(tiny: oko.Generated) -> None:
    truth = tiny.truth
    assert set(truth) == {"schools", "students_at_risk", "teachers_with_deficit"}
    school_ids = set(tiny.tables()["schools"].column("id").to_pylist())
    assert set(truth["schools"]) <= school_ids
    assert all(set(a) <= ANOMALIES for a in truth["schools"].values())
    student_ids = set(tiny.tables()["students"].column("id").to_pylist())
    assert set(truth["students_at_risk"]) <= student_ids


def test_tables_have_the_canonical_columns(tiny: oko.Generated) -> None:
    t = tiny.tables()
    assert t["results"].column_names == [
        "student",
        "procedure",
        "class",
        "primary_score",
        "mark",
        "test_score",
        "task_scores",
    ]
    assert t["procedures"].schema.field("date").type == pa.date32()
    assert t["schools"].column_names[:5] == ["id", "name", "municipality", "kind", "rural"]
    assert t["schools"].column_names[5:] == tiny.dataset.context_fields
    assert t["marks"].column("mark").type == pa.string()
    assert {r.num_rows for r in t.values()} != {0}
    assert "Generated(Dataset(" in repr(tiny)
