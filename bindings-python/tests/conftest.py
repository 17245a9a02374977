"""Shared fixtures: generated districts, the shipped rules, converters to every input kind."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import oko
from oko import _oko

# Every kind of table `Dataset.from_tables` accepts, as a converter from a pyarrow Table.
KINDS: dict[str, Callable[[pa.Table], Any]] = {
    "pyarrow": lambda t: t,
    "recordbatch": lambda t: t.combine_chunks().to_batches()[0] if t.num_rows else t,
    "pandas": lambda t: t.to_pandas(),
    "polars": lambda t: pl.from_arrow(t),
    "records": lambda t: t.to_pylist(),
}


def convert(tables: dict[str, pa.Table], kind: str) -> dict[str, Any]:
    """The tables as inputs of one kind."""
    return {name: KINDS[kind](t) for name, t in tables.items()}


@pytest.fixture(scope="session")
def tiny() -> oko.Generated:
    """The tiny synthetic district, seed 1."""
    return oko.generate("tiny", seed=1)


@pytest.fixture(scope="session")
def tiny_tables(tiny: oko.Generated) -> dict[str, pa.Table]:
    """Its canonical tables."""
    return tiny.tables()


# The repository's root (tests/cases, rules/).
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def district() -> oko.Generated:
    """The sample district of ``oko demo`` (24 schools), seed 1."""
    return oko.generate("district", seed=1)


@pytest.fixture(scope="session")
def shipped() -> oko.Rules:
    """The scales and the district low-results ruleset from the shipped list: the binding's
    tests check conversions against one known ruleset, whatever else is shipped."""
    repo = Path(__file__).resolve().parents[2]
    return oko.load_rules(repo / "rules/scales-2025.toml", repo / "rules/district-low-results.toml")


@pytest.fixture(scope="session")
def district_eval(district: oko.Generated, shipped: oko.Rules) -> oko.Evaluation:
    """The shipped rules over the sample district."""
    return oko.evaluate(shipped, district.dataset)


@pytest.fixture(autouse=True)
def _language_restored() -> Iterator[None]:
    """Every test starts in Russian and leaves the language as it found it."""
    oko.set_language("ru")
    yield
    oko.set_language("ru")


def debug_hook(name: str) -> Any:
    """A hidden test hook of the extension (built with the `debug-hooks` feature), or skip.

    run-tests.sh sets OKO_REQUIRE_DEBUG_HOOKS=1, so that a build without them fails instead.
    """
    hook = getattr(_oko, name, None)
    if hook is None:
        if os.environ.get("OKO_REQUIRE_DEBUG_HOOKS") == "1":
            pytest.fail(f"oko._oko.{name} missing: build with --features debug-hooks")
        pytest.skip("built without --features debug-hooks")
    return hook


__all__ = ["KINDS", "REPO", "convert", "debug_hook", "pd"]
