"""The shared conformance cases (tests/cases/*.json) through Python: the same bytes as the
Rust runner (core/tests/conformance.rs) and the .expected.json files.

Each case holds rules (inline TOML text, or a path relative to the repository's root when a
one-line string ends in .toml), data (lists of dicts per table, built with policy strict)
and options (min_sample, pseudonymise_key: a string whose UTF-8 bytes are the key).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import pytest

import oko
from conftest import REPO

CASES = sorted(
    p for p in (REPO / "tests" / "cases").glob("*.json") if not p.name.endswith(".expected.json")
)


def case_rules(case: dict[str, Any]) -> oko.Rules:
    """The case's rules, named as the Rust runner names them, compiled together in order."""
    rules: Optional[oko.Rules] = None
    for i, text in enumerate(case["rules"]):
        if text.endswith(".toml") and "\n" not in text:
            body, name = (REPO / text).read_text(encoding="utf-8"), text
        else:
            body, name = text, f"rules[{i}]"
        rules = oko.Rules.from_string(body, name=name, base=rules)
    return rules if rules is not None else oko.load_rules()


def run_case(case: dict[str, Any]) -> str:
    """The report of a case as JSON text."""
    ds = oko.Dataset.from_tables(**case["data"], policy="strict")
    options = case.get("options", {})
    key = options.get("pseudonymise_key")
    return oko.evaluate(
        case_rules(case),
        ds,
        min_sample=options.get("min_sample", 10),
        pseudonymise_key=None if key is None else key.encode("utf-8"),
    ).to_json()


def test_there_are_cases() -> None:
    assert len(CASES) >= 2


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_matches_its_expectation(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    expected = path.with_name(path.stem + ".expected.json").read_bytes()
    assert run_case(case).encode("utf-8") == expected
