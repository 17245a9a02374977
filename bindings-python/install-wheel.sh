#!/usr/bin/env bash
# Builds the Python package `oko` (maturin, release build) and installs the wheel into a
# virtual environment, as pip would install it. Used by run-tests.sh (with the test hooks)
# and by benches/compare/run.sh (the "oko (Python, pyarrow)" row).
#
# Usage: bindings-python/install-wheel.sh VENV [maturin build arguments...]
# Env:   CARGO_TARGET_DIR  cargo's target directory (default <repo>/target)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${1:?usage: install-wheel.sh VENV [maturin build arguments...]}"
shift
venv="$(cd "$venv" && pwd)"   # absolute: maturin runs from this folder
py="$venv/bin/python"
if [ ! -x "$venv/bin/maturin" ]; then
    "$py" -m pip install -q --disable-pip-version-check "maturin>=1.16,<2"
fi
wheels="$(mktemp -d)"
trap 'rm -rf "$wheels"' EXIT
(cd "$here" && "$venv/bin/maturin" build --release --locked "$@" \
    --interpreter "$py" --out "$wheels")
"$py" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheels"/oko-*.whl
