"""The malformed-input corpus of tests/bad-inputs/ (manifest.toml) through Python, as
cli/tests/bad_inputs.rs runs it through Rust and bad-inputs.test.ts through Node.

Rules cases (rules-toml, rules-json; files and the generated pathological sizes): each must
raise RuleError / LimitError with the expected code and, where the manifest gives them,
line and column (or compile with the expected lint warning).

Data cases the core builder checks (those with core_code): each must raise an OkoError
subclass with the expected code and location (table, 1-based data row, canonical column).
Each case replaces one table of tests/bad-inputs/base/ with its JSON records; both lists of
dicts and pyarrow tables (all-string columns) are tried. Cases that need load options the
Python API does not take (row or subject limits) are skipped.

No error quotes the planted personal values. The numbers of cases are checked against a
count of the manifest's raw text, so a parse slip cannot skip cases silently.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pytest

import oko

if sys.version_info < (3, 11):  # pragma: no cover
    pytest.skip("tomllib needs Python 3.11", allow_module_level=True)
import tomllib

ROOT = Path(__file__).resolve().parents[2] / "tests" / "bad-inputs"
RAW = (ROOT / "manifest.toml").read_text("utf-8")
MANIFEST: dict[str, Any] = tomllib.loads(RAW)
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


RULE_CASES: list[dict[str, Any]] = [
    c for c in MANIFEST["case"] if c["kind"] in ("rules-toml", "rules-json")
]


def raw_count(pattern: str) -> int:
    """How many lines of the manifest's raw text match ``pattern``."""
    return len(re.findall(pattern, RAW, flags=re.MULTILINE))


def test_the_corpus_is_there() -> None:
    assert len(MANIFEST["case"]) == raw_count(r"^\[\[case\]\]\s*$") >= 200
    assert len(RULE_CASES) == raw_count(r'^kind = "rules-(toml|json)"$') >= 80
    core = [c for c in MANIFEST["case"] if "core_code" in c]
    assert len(core) == raw_count(r'^core_code = "')
    # Every data case with core_code is a data-json file case; only the two that need a
    # row or subject limit are skipped below.
    assert len(CASES) == len(core)
    assert len([c for c in CASES if not any(o in c for o in OPTIONS)]) == len(core) - 2 >= 70
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


# --- rules ------------------------------------------------------------------------------

HEAD = (
    'schema_version = 1\nid = "bad"\nversion = "1"\ntitle = { ru = "т", en = "t" }\n'
    'source = { document = "d" }\n'
)


def rule_with(when: str, message: str) -> str:
    return (
        f'{HEAD}\n[[rules]]\nid = "r"\nlevel = "school"\n'
        f'message = {{ ru = "{message}", en = "m" }}\nwhen = "{when}"\n'
    )


def generated_rules(name: str) -> str:
    """The generated rule files, exactly as cli/tests/bad_inputs.rs makes them."""
    if name == "huge_file":
        return f"{HEAD}# {'x' * (2 << 20)}\n"
    if name == "many_rules":
        return HEAD + "".join(
            f'\n[[rules]]\nid = "r{i}"\nlevel = "school"\nwhen = "true"\n'
            'message = { ru = "", en = "" }\n'
            for i in range(1001)
        )
    if name == "deep_parens":
        return rule_with(f"{'(' * 20_000}1{')' * 20_000} > 0", "m")
    if name == "many_nodes":
        return rule_with(f"min({'1, ' * 5000}1) > 0", "m")
    if name == "long_expression":
        return rule_with(f"1 {' ' * (70 * 1024)}> 0", "m")
    if name == "deep_not":
        return rule_with(f"{'not ' * 10_000}true", "m")
    if name == "deep_toml_tables":
        return f"{HEAD}{'.'.join(['a'] * 100_000)} = 1\n"
    if name == "many_placeholders":
        return rule_with("true", "{entity}" * 100_000)
    if name == "deep_json":
        return (
            '{"schema_version": 1, "parameters": {"p": '
            + "[" * 100_000
            + "]" * 100_000
            + "}}"
        )
    raise AssertionError(f"unknown rule generator {name}")


def case_name(case: dict[str, Any]) -> str:
    return str(case.get("file") or f"generated:{case['generate']}")


def compile_case(case: dict[str, Any]) -> oko.Rules:
    base_rules = oko.shipped_rules() if case.get("with_shipped") else None
    fmt: Literal["toml", "json"] = "json" if case["kind"] == "rules-json" else "toml"
    if "file" in case:
        if base_rules is not None:
            return oko.load_rules(base_rules, ROOT / case["file"])
        return oko.Rules.from_path(ROOT / case["file"])
    return oko.Rules.from_string(
        generated_rules(case["generate"]), name=case_name(case), format=fmt, base=base_rules
    )


@pytest.mark.parametrize("case", RULE_CASES, ids=[case_name(c) for c in RULE_CASES])
def test_bad_rules(case: dict[str, Any]) -> None:
    if case.get("level") == "warning":
        rules = compile_case(case)
        assert any(w["code"] == case["code"] for w in rules.warnings), rules.warnings
        return
    with pytest.raises(oko.OkoError) as info:
        compile_case(case)
    err = info.value
    assert isinstance(err, (oko.RuleError, oko.LimitError)), type(err)
    errors = [e for e in err.errors if e["level"] == "error"]
    assert all(e["code"].startswith(("rule.", "limit.")) for e in errors), errors
    found = [e for e in errors if e["code"] == case["code"]]
    assert found, f"{case_name(case)}: no {case['code']} in {err.errors}"
    if "line" in case:
        loc = found[0]["location"]
        assert (loc["line"], loc["column"]) == (case["line"], case["column"])
    assert len(str(err)) < 64 * 1024
    text = "\n".join([str(err), repr(err), json.dumps(err.errors, ensure_ascii=False)])
    for secret in SECRETS:
        assert secret not in text
