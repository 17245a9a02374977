"""The malformed-input corpus of tests/bad-inputs/ (manifest.toml), data cases the core
builder checks: each must raise an OkoError subclass with the expected code and location
(table, 1-based data row, canonical column), and quote none of the planted personal values.

Each case replaces one table of tests/bad-inputs/base/ with its JSON records; both lists of
dicts and pyarrow tables (all-string columns) are tried. Cases that need load options the
Python API does not take (row or subject limits) are skipped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import oko

if sys.version_info < (3, 11):  # pragma: no cover
    pytest.skip("tomllib needs Python 3.11", allow_module_level=True)
import tomllib

ROOT = Path(__file__).resolve().parents[2] / "tests" / "bad-inputs"
MANIFEST: dict[str, Any] = tomllib.loads((ROOT / "manifest.toml").read_text("utf-8"))
SECRETS: list[str] = MANIFEST["secrets"]
OPTIONS = ("max_rows_per_table", "max_subjects", "procedure", "mapping", "encoding")
CASES: list[dict[str, Any]] = [
    c
    for c in MANIFEST["case"]
    if c["kind"] == "data-json" and "core_code" in c and "file" in c
]
TABLES = [p.stem for p in sorted((ROOT / "base").glob("*.json"))]


def base() -> dict[str, list[dict[str, Any]]]:
    return {t: json.loads((ROOT / "base" / f"{t}.json").read_text("utf-8")) for t in TABLES}


def as_pyarrow(rows: list[dict[str, Any]]) -> pa.Table:
    names: list[str] = []
    for r in rows:
        names.extend(k for k in r if k not in names)
    schema = pa.schema([(n, pa.string()) for n in names])
    return pa.Table.from_pylist(rows, schema=schema)


def test_the_corpus_is_there() -> None:
    assert len(CASES) >= 50
    assert {c["core_code"] for c in CASES} >= {"data.invalid_value", "limit.id_length"}


@pytest.mark.parametrize("kind", ["records", "pyarrow"])
@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_bad_input(case: dict[str, Any], kind: str) -> None:
    if any(o in case for o in OPTIONS):
        pytest.skip("needs a load option the Python API does not take")
    tables: dict[str, Any] = base()
    tables[case["table"]] = json.loads((ROOT / case["file"]).read_text("utf-8"))
    if kind == "pyarrow":
        tables = {name: as_pyarrow(rows) for name, rows in tables.items()}
    with pytest.raises(oko.OkoError) as info:
        oko.Dataset.from_tables(**tables, policy="strict")
    err = info.value
    found = [e for e in err.errors if e["code"] == case["core_code"]]
    assert found, f"{case['file']}: {err.errors}"
    want = {"table": case["table"], "row": case["core_row"], "column": case["core_column"]}
    assert found[0]["location"] == want
    if case["core_code"].startswith("limit."):
        assert isinstance(err, oko.LimitError) or err.code != case["core_code"]
    else:
        assert isinstance(err, oko.DataError)
    text = "\n".join([str(err), repr(err), json.dumps(err.errors, ensure_ascii=False)])
    for secret in SECRETS:
        assert secret not in text
