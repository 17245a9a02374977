"""Pseudonymised evaluation output (``evaluate(..., pseudonymise_key=...)``): no student id
of the plain report survives, the pseudonyms are HMAC-SHA256(key, id) cut to 16 hex
characters (the CLI's --pseudonymise-key-file and Node's pseudonymiseKey give the same
bytes: tests/cases/gia_risk_group_pseudonymised.json), stable for a key, different for
another key, and a short key is an error that never shows the key."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest

import oko

KEY = b"a Python test key, 16+ bytes"


@pytest.fixture(scope="module")
def setup() -> tuple[oko.Rules, oko.Dataset]:
    return oko.shipped_rules(), oko.generate("tiny", seed=1).dataset


def student_ids(report_json: str) -> list[str]:
    report: dict[str, Any] = json.loads(report_json)
    items = report["findings"] + report["labels"] + report["undetermined"]
    return sorted({i["entity"]["id"] for i in items if i["entity"]["level"] == "student"})


def test_every_student_id_is_replaced(setup: tuple[oko.Rules, oko.Dataset]) -> None:
    rules, ds = setup
    plain = oko.evaluate(rules, ds).to_json()
    real = student_ids(plain)
    assert len(real) >= 5
    ev = oko.evaluate(rules, ds, pseudonymise_key=KEY)
    hidden = ev.to_json()
    tables = [ev.findings, ev.labels, ev.undetermined]
    text = hidden + "".join(str(t.to_pylist()) for t in tables)
    for sid in real:
        assert sid not in text
    want = sorted(hmac.new(KEY, s.encode(), hashlib.sha256).hexdigest()[:16] for s in real)
    assert student_ids(hidden) == want
    assert oko.evaluate(rules, ds, pseudonymise_key=KEY).to_json() == hidden
    other = student_ids(oko.evaluate(rules, ds, pseudonymise_key=b"another key, 16+ bytes").to_json())
    assert len(other) == len(real) and not set(other) & set(want)


def test_a_short_key_is_an_error_without_the_key(setup: tuple[oko.Rules, oko.Dataset]) -> None:
    rules, ds = setup
    with pytest.raises(oko.OkoError) as info:
        oko.evaluate(rules, ds, pseudonymise_key=b"short-secret")
    assert info.value.code == "privacy.key"
    assert "short-secret" not in str(info.value) + repr(info.value)
    with pytest.raises(TypeError):
        oko.evaluate(rules, ds, pseudonymise_key="a str key, 16+ bytes")  # type: ignore[arg-type]
