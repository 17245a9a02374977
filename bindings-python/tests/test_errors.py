"""Exception classes, codes and locations; panics never abort the interpreter."""

from __future__ import annotations

import pytest

import oko
from conftest import debug_hook


def test_hierarchy() -> None:
    assert issubclass(oko.OkoError, Exception)
    for cls in (oko.DataError, oko.RuleError, oko.LimitError):
        assert issubclass(cls, oko.OkoError)
        assert cls.__module__ == "oko"
        assert cls.__doc__


def test_data_error_from_real_data() -> None:
    with pytest.raises(oko.DataError) as e:
        oko.Dataset.from_tables(
            municipalities=[{"id": "m1"}],
            schools=[{"id": "s1", "municipality": "Секретный район"}],
        )
    err = e.value
    assert isinstance(err, oko.OkoError)
    assert err.code == "data.unknown_municipality"
    assert err.location == {"table": "schools", "row": 1, "column": "municipality"}
    assert err.errors[0]["code"] == err.code
    assert "Секретный" not in str(err)


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("data.invalid_value", oko.DataError),
        ("rule.scale_gap", oko.RuleError),
        ("limit.rows", oko.LimitError),
        ("internal.other", oko.OkoError),
    ],
)
def test_class_follows_the_code_prefix(code: str, cls: type[oko.OkoError]) -> None:
    raise_ = debug_hook("_debug_raise")
    with pytest.raises(cls) as e:
        raise_(code)
    assert type(e.value) is cls
    assert e.value.code == code
    assert e.value.location == {"table": "results", "row": 3, "column": "mark"}
    assert [x["code"] for x in e.value.errors] == [code]


def test_panic_becomes_oko_error() -> None:
    panic = debug_hook("_debug_panic")
    for _ in range(2):  # the interpreter survives, and so does the next call
        with pytest.raises(oko.OkoError) as e:
            panic()
        assert type(e.value) is oko.OkoError
        assert e.value.code == "internal.panic"
        assert e.value.location is None
        assert "debug panic" not in str(e.value)  # the payload could quote data
    assert oko.generate("tiny").dataset.counts["schools"] == 6


def test_a_panic_inside_evaluation_becomes_oko_error() -> None:
    """The core's own test hook (oko's `debug-panic`, which the `debug-hooks` build turns
    on) panics inside `oko::rules::evaluate`, with the GIL released: Python gets
    `internal.panic`, and the interpreter and the next evaluation carry on."""
    debug_hook("_debug_panic")  # skips (or fails under run-tests.sh) without the hooks
    rules = oko.shipped_rules()
    ds = oko.Dataset.from_tables(
        municipalities=[{"id": "__oko_debug_panic__", "name": "Секретный район"}]
    )
    for _ in range(2):
        with pytest.raises(oko.OkoError) as e:
            oko.evaluate(rules, ds)
        assert type(e.value) is oko.OkoError
        assert e.value.code == "internal.panic"
        assert "debug" not in str(e.value) and "Секретный" not in str(e.value)
    ok = oko.Dataset.from_tables(municipalities=[{"id": "m1", "name": "Район"}])
    assert oko.evaluate(rules, ok).to_json().startswith("{")
