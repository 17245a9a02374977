#!/usr/bin/env bash
# Builds the Python package `oko` and runs its checks: mypy.stubtest on the stubs,
# mypy --strict on the tests and examples, and pytest (which also runs the conformance cases
# of tests/cases, examples/quickstart.py, and examples/district.ipynb in a Jupyter kernel of
# the venv). Works on a fresh machine (needs python3 ≥ 3.11 with venv, as the pinned test
# tools do, cargo, and PyPI); exits non-zero on the first failure.
#
# Usage: bindings-python/run-tests.sh [pytest arguments...]
# Env:   OKO_VENV          virtual environment to create or reuse (default <repo>/.venv)
#        PYTHON            interpreter that creates it (default python3)
#        CARGO_TARGET_DIR  cargo's target directory (default <repo>/target)
#
# The wheel is built with the `debug-hooks` feature (hidden test hooks such as
# oko._oko._debug_panic) and installed into the venv, so the tests exercise the package as
# pip installs it (stubs and py.typed included).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
venv="${OKO_VENV:-$repo/.venv}"
step() { printf '\n==> python: %s\n' "$*"; }

step "virtual environment $venv"
if [ ! -x "$venv/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/python" -m pip install -q --upgrade pip
fi
py="$venv/bin/python"
"$py" -m pip install -q -r "$here/requirements-test.txt"

step "build the wheel (maturin, release, debug-hooks)"
"$here/install-wheel.sh" "$venv" --features debug-hooks

step "stubs match the module (mypy.stubtest)"
# From a neutral directory, so that only the installed package is seen.
neutral="$(mktemp -d)"
trap 'rm -rf "$neutral"' EXIT
(cd "$neutral" && "$py" -m mypy.stubtest oko --mypy-config-file "$here/pyproject.toml")

step "tests and examples type-check (mypy --strict)"
(cd "$here" && "$py" -m mypy --strict tests examples)

step "pytest"
(cd "$here" && OKO_REQUIRE_DEBUG_HOOKS=1 "$py" -m pytest -q "$@")
