"""oko.evaluate and oko.Evaluation: report tables, explain, to_json, views, threads."""

from __future__ import annotations

import json
import threading
import time
from decimal import Decimal
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import oko
from conftest import KINDS, convert

TABLES = ["findings", "labels", "undetermined", "summary", "warnings", "rejected_rows"]
ENTITY = ["level", "entity", "entity_name", "school", "municipality"]
COLUMNS = {
    "findings": ["ruleset", "version", "rule", "title_ru", "title_en", *ENTITY, "scope",
                 "severity", "category", "condition", "message_ru", "message_en", "evidence"],
    "labels": ["ruleset", "classification", *ENTITY, "scope", "label", "title_ru", "title_en",
               "advice_ru", "advice_en", "bands", "evidence"],
    "undetermined": ["ruleset", "rule", *ENTITY, "scope", "reason_code", "reason", "evidence"],
    "summary": ["ruleset", "rule", "level", "rows", "findings", "undetermined"],
    "warnings": ["level", "code", "message", "file", "line", "column", "path", "snippet"],
    "rejected_rows": ["code", "table", "row", "column"],
}
EVIDENCE = pa.struct(
    [
        pa.field("name", pa.string(), nullable=False),
        pa.field("role", pa.string(), nullable=False),
        pa.field("value", pa.decimal128(38, 28)),
        pa.field("value_bool", pa.bool_()),
        pa.field("value_text", pa.string()),
        pa.field("unit", pa.string(), nullable=False),
        pa.field("n", pa.int64()),
        pa.field("limited", pa.bool_(), nullable=False),
        pa.field("unknown_reason", pa.string()),
    ]
)


def test_shipped_rules_find_the_planted_low_results(
    district: oko.Generated, district_eval: oko.Evaluation
) -> None:
    planted = {s for s, a in district.truth["schools"].items() if "low_results" in a}
    labels = district_eval.labels.to_pylist()
    risk = {x["entity"] for x in labels if x["label"] == "risk_group"}
    assert planted and planted <= risk
    assert {x["label"] for x in labels} <= {"risk_group", "control_group"}
    assert all(x["level"] == "school" and x["classification"] == "school_group" for x in labels)


@pytest.mark.parametrize("name", TABLES)
def test_every_table_has_its_columns(district_eval: oko.Evaluation, name: str) -> None:
    t = district_eval.table(name)  # type: ignore[arg-type]
    assert isinstance(t, pa.Table)
    assert t.column_names == COLUMNS[name]
    assert t.equals(getattr(district_eval, name))
    if "evidence" in t.column_names:
        assert t.schema.field("evidence").type == pa.list_(pa.field("item", EVIDENCE, False))
    df = district_eval.to_pandas(name)  # type: ignore[arg-type]
    assert isinstance(df, pd.DataFrame) and list(df.columns) == COLUMNS[name]
    assert len(df) == t.num_rows
    pf = district_eval.to_polars(name)  # type: ignore[arg-type]
    assert isinstance(pf, pl.DataFrame) and pf.columns == COLUMNS[name]
    assert pf.height == t.num_rows


def test_counts_agree_with_the_summary(district_eval: oko.Evaluation) -> None:
    summary = {r["rule"]: r for r in district_eval.summary.to_pylist()}
    assert summary["low_results"]["findings"] == district_eval.findings.num_rows
    assert summary["school_group"]["findings"] == district_eval.labels.num_rows
    assert summary["school_group"]["rows"] == 24
    assert district_eval.warnings.num_rows == 0
    assert district_eval.rejected_rows.num_rows == 0
    assert district_eval.undetermined.num_rows == 0


def test_evidence_is_exact_and_typed(district_eval: oko.Evaluation) -> None:
    f = district_eval.findings.to_pylist()[0]
    assert f["severity"] == "warning" and f["category"] == "low_results"
    assert f["message_ru"] and f["message_en"] and f["title_ru"]
    names = [e["name"] for e in f["evidence"]]
    assert "municipality.completion_rate" in names and "param.relative_gap" in names
    gap = next(e for e in f["evidence"] if e["name"] == "param.relative_gap")
    assert gap["value"] == Decimal("15") and gap["unit"] == "percent"
    assert gap["role"] == "parameter" and gap["n"] is None and gap["limited"] is False
    cr = next(e for e in f["evidence"] if e["name"] == "completion_rate")
    assert isinstance(cr["value"], Decimal) and cr["n"] > 0 and cr["role"] == "indicator"
    # The same value as the indicators table, to the last digit.
    value = district_eval.indicators.value("school", f["entity"], f["scope"], "completion_rate")
    assert value is not None and cr["value"] == value
    # polars: the nested column opens without floats.
    ev = district_eval.to_polars("findings").explode("evidence").unnest("evidence")
    assert ev.schema["value"] == pl.Decimal(38, 28)


def test_explain_a_flagged_school(district_eval: oko.Evaluation) -> None:
    risk = next(x for x in district_eval.labels.to_pylist() if x["label"] == "risk_group")
    e = district_eval.explain("school", risk["entity"])
    assert e["level"] == "school" and e["id"] == risk["entity"]
    assert e["name"] == risk["entity_name"]
    assert [x["label"] for x in e["labels"]] == ["risk_group"]
    assert len(e["findings"]) >= 2 and e["undetermined"] == []
    label = e["labels"][0]
    assert label["entity"]["id"] == risk["entity"]
    assert label["title"]["ru"] == "Группа риска"
    count = next(x for x in label["evidence"] if x["role"] == "findings")
    assert count["value"] == Decimal(len(e["findings"]))
    finding = e["findings"][0]
    assert set(finding) >= {"rule", "entity", "scope", "message", "evidence", "condition"}
    assert all(isinstance(x["value"], (Decimal, bool, str, type(None))) for x in finding["evidence"])
    scoped = district_eval.explain("school", risk["entity"], scope=finding["scope"])
    assert len(scoped["findings"]) == 1 and scoped["labels"] == []


def test_explain_an_unflagged_entity_and_bad_arguments(district_eval: oko.Evaluation) -> None:
    e = district_eval.explain("school", "S0001")
    assert e["findings"] == [] and e["labels"] == [] and e["name"] is None
    assert district_eval.explain("region", "region")["findings"] == []
    with pytest.raises(KeyError):
        district_eval.explain("school", "no-such-school")
    with pytest.raises(ValueError):
        district_eval.explain("galaxy", "S0001")  # type: ignore[arg-type]


def test_to_json_is_the_core_report(district_eval: oko.Evaluation) -> None:
    text = district_eval.to_json()
    assert text.endswith("}\n")
    report = json.loads(text)
    assert list(report) == ["rulesets", "findings", "undetermined", "labels", "summary",
                            "warnings", "rejected_rows"]
    assert len(report["findings"]) == district_eval.findings.num_rows
    assert text == json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    assert district_eval.to_json() == text


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_input_kind_gives_the_same_report(
    kind: str, district: oko.Generated, district_eval: oko.Evaluation, shipped: oko.Rules
) -> None:
    ds = oko.Dataset.from_tables(**convert(district.tables(), kind))
    ev = oko.evaluate(shipped, ds)
    assert ev.to_json() == district_eval.to_json()
    assert ev.findings.equals(district_eval.findings)


def test_many_chunks_give_the_same_report(
    district: oko.Generated, district_eval: oko.Evaluation, shipped: oko.Rules
) -> None:
    tables = {
        name: pa.Table.from_batches(t.to_batches(max_chunksize=97), schema=t.schema)
        for name, t in district.tables().items()
    }
    assert tables["results"].column(0).num_chunks > 100
    ev = oko.evaluate(shipped, oko.Dataset.from_tables(**tables))
    assert ev.to_json() == district_eval.to_json()


def test_min_sample_makes_outcomes_undetermined(
    district: oko.Generated, shipped: oko.Rules
) -> None:
    ev = oko.evaluate(shipped, district.dataset, min_sample=10_000)
    assert ev.min_sample == 10_000
    assert ev.findings.num_rows == 0 and ev.undetermined.num_rows > 0
    codes = set(ev.undetermined.column("reason_code").to_pylist())
    assert "unknown.limited_sample" in codes
    limited = ev.undetermined.to_pylist()[0]["evidence"]
    assert any(e["limited"] for e in limited)


def test_rejected_rows_of_a_lenient_dataset(shipped: oko.Rules) -> None:
    ds = oko.Dataset.from_tables(
        municipalities=pd.DataFrame({"id": ["m1"], "name": ["Заречный"]}),
        schools=pl.DataFrame({"id": ["s1"], "name": ["СОШ 1"], "municipality": ["m1"]}),
        classes=pa.table({"id": ["c1", "c2"], "school": ["s1", "nope"], "grade": [4, 4]}),
        policy="lenient",
    )
    ev = oko.evaluate(shipped, ds)
    assert ev.rejected_rows.to_pylist() == [
        {"code": "data.unknown_school", "table": "classes", "row": 2, "column": "school"}
    ]
    assert json.loads(ev.to_json())["rejected_rows"][0]["row"] == 2


def test_warnings_table_and_without_scales(district: oko.Generated) -> None:
    gap = """schema_version = 1
id = "gap"
version = "1"
title = { ru = "Полосы", en = "Bands" }
source = { document = "test" }
[[classifications]]
id = "bands"
title = { ru = "Полосы", en = "Bands" }
level = "school"
scope = { source = "procedures" }
hit_policy = "first"
value = "completion_rate"
[[classifications.bands]]
label = "low"
title = { ru = "низкий", en = "low" }
range = { to = "50%" }
[[classifications.bands]]
label = "high"
title = { ru = "высокий", en = "high" }
range = { from = "60%" }
"""
    ev = oko.evaluate(oko.Rules.from_string(gap, name="gap.toml"), district.dataset)
    w = ev.warnings.to_pylist()
    assert [x["code"] for x in w] == ["lint.band_gap"]
    assert w[0]["file"] == "gap.toml" and w[0]["line"] and w[0]["snippet"]
    assert ev.labels.num_rows > 0


def test_views_render_in_both_languages(district_eval: oko.Evaluation) -> None:
    for name in TABLES:
        v = district_eval.view(name, limit=3)  # type: ignore[arg-type]
        assert v.name == name and len(v) == district_eval.table(name).num_rows  # type: ignore[arg-type]
        assert v.table.equals(district_eval.table(name))  # type: ignore[arg-type]
        assert pa.table(v).equals(v.table)
        assert pl.DataFrame(v).height == len(v)
        assert isinstance(v.to_pandas(), pd.DataFrame)
        assert isinstance(v.to_polars(), pl.DataFrame)
        assert v._repr_html_() == v.to_html()
    ru = district_eval.view("findings", limit=3)._repr_html_()
    assert "Выводы" in ru and "Сообщение" in ru and "… и ещё" in ru
    assert "<details>" in ru and "%" in ru
    en = district_eval.view("findings", lang="en", limit=3)._repr_html_()
    assert "Findings" in en and "Message" in en and "… and" in en
    labels = district_eval.view("labels", lang="en")._repr_html_()
    assert "Risk group" in labels and "Targeted support" in labels
    # School groups have no scope: the empty column is left out; findings have one.
    assert "Scope" not in labels and "Scope" in en
    rows = district_eval.labels.num_rows
    assert repr(district_eval.view("labels")) == f"View(labels, rows={rows}, lang=ru)"
    with pytest.raises(ValueError):
        district_eval.view("nope")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        district_eval.view("findings", lang="de")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        district_eval.table("nope")  # type: ignore[arg-type]


def test_html_escapes_names(shipped: oko.Rules) -> None:
    ds = oko.Dataset.from_tables(
        municipalities=[{"id": "m1", "name": "<b>M</b>"}],
        schools=[{"id": "s1", "name": "<script>x</script>", "municipality": "m1"}],
    )
    ev = oko.evaluate(shipped, ds)
    html = ev.view("labels")._repr_html_() + ev._repr_html_()
    assert "<script>" not in html


def test_language_setting(district_eval: oko.Evaluation) -> None:
    assert oko.get_language() == "ru"
    assert "Оценка oko" in district_eval._repr_html_()
    oko.set_language("en")
    assert oko.get_language() == "en"
    html = district_eval._repr_html_()
    assert "oko evaluation" in html and "Risk group" in html
    assert district_eval.view("labels")._repr_html_().count("Entity") == 1
    assert "Оценка oko" in district_eval.to_html(lang="ru")
    with pytest.raises(ValueError):
        oko.set_language("fr")  # type: ignore[arg-type]
    assert oko.get_language() == "en"


def test_repr_and_indicators(district_eval: oko.Evaluation, district: oko.Generated) -> None:
    r = repr(district_eval)
    assert r.startswith("Evaluation([scales-2025 ") and "findings=" in r
    ind = district_eval.indicators
    assert isinstance(ind, oko.Indicators)
    # The shipped scales are the generator's: the same indicators as oko.aggregate.
    assert ind.to_arrow().equals(oko.aggregate(district.dataset).to_arrow())


def test_two_evaluations_in_two_threads_overlap(shipped: oko.Rules) -> None:
    big = oko.generate("district", seed=3, students=30_000, schools=60).dataset
    expected = oko.evaluate(shipped, big).to_json()
    got: dict[str, Any] = {}
    spans: dict[str, tuple[float, float]] = {}
    start = threading.Barrier(2)

    def run(name: str, ds: oko.Dataset) -> None:
        start.wait()
        t0 = time.perf_counter()
        got[name] = oko.evaluate(shipped, ds).to_json()
        spans[name] = (t0, time.perf_counter())

    threads = [threading.Thread(target=run, args=(name, big)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got["a"] == expected and got["b"] == expected
    # With the GIL held for the whole call, the two calls could not overlap.
    (a0, a1), (b0, b1) = spans["a"], spans["b"]
    assert max(a0, b0) < min(a1, b1)


def test_evaluate_releases_the_gil(shipped: oko.Rules) -> None:
    big = oko.generate("district", seed=3, students=30_000, schools=60).dataset
    calls: list[tuple[float, float]] = []
    ticks: list[float] = []
    done = threading.Event()

    def worker() -> None:
        for _ in range(3):
            t0 = time.perf_counter()
            oko.evaluate(shipped, big)
            calls.append((t0, time.perf_counter()))
        done.set()

    t = threading.Thread(target=worker)
    t.start()
    while not done.is_set():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    t.join()
    # Python code ran in this thread while each evaluation was running in the other.
    for t0, t1 in calls:
        assert any(t0 < x < t1 for x in ticks)


def test_evaluate_type_errors(district: oko.Generated, shipped: oko.Rules) -> None:
    with pytest.raises(TypeError):
        oko.evaluate("rules/scales-2025.toml", district.dataset)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        oko.evaluate(shipped, district.tables())  # type: ignore[arg-type]
    with pytest.raises(OverflowError):
        oko.evaluate(shipped, district.dataset, min_sample=-1)


def test_docstrings() -> None:
    for obj in (oko.evaluate, oko.Evaluation, oko.Evaluation.explain, oko.Evaluation.to_json,
                oko.View, oko.set_language, oko.get_language):
        assert obj.__doc__ and len(obj.__doc__) > 30, obj
