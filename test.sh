#!/usr/bin/env bash
# Runs every test suite of the repository. Installs what the suites need on a fresh machine.
# Usage: ./test.sh            all suites
#        OKO_SKIP=python,node ./test.sh   skip some (for quick local runs only): python,
#                                         node, browser, compare, fuzz
set -euo pipefail
cd "$(dirname "$0")"
skip=",${OKO_SKIP:-},"
step() { printf '\n==> %s\n' "$*"; }

step "rust: format"
cargo fmt --all -- --check

step "rust: clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "rust: tests (unit, integration, doctests)"
cargo test --workspace --locked

step "rust: benchmarks compile"
cargo bench -p oko-benches --locked --no-run

if [[ "$skip" != *,python,* ]]; then
    step "python package (build, stubtest, mypy, pytest)"
    bindings-python/run-tests.sh
fi

if [[ "$skip" != *,node,* ]]; then
    step "node package (build, d.ts freshness, tsc --strict, node --test)"
    bindings-node/run-tests.sh
fi

if [[ "$skip" != *,browser,* ]]; then
    step "browser: the HTML report in headless Chromium (ru, en)"
    tests/browser/run.sh
fi

if [[ "$skip" != *,compare,* ]]; then
    step "benchmark comparison smoke run (oko, polars, pandas, zen-engine agree)"
    benches/compare/run.sh --smoke
fi

if [[ "$skip" != *,fuzz,* ]]; then
    step "fuzz smoke run (cargo-fuzz: replay every corpus, then 5 s per target)"
    fuzz/run.sh --smoke
fi

step "cli: demo"
mkdir -p target   # absent when CARGO_TARGET_DIR points elsewhere
cargo run --release --locked -q -p oko-cli -- demo > target/demo.txt
grep -q "oko demo" target/demo.txt
echo "demo ok"

echo
echo "all suites passed"
