#!/usr/bin/env bash
# Builds the Node package `oko` and runs its TypeScript tests. Works from a clean clone on a
# fresh machine with Rust and Node >= 18: installs the npm dev dependencies from
# package-lock.json, builds the addon with the test-only `debug-panic` feature (a hook that
# panics on purpose, to test that a panic becomes an `internal.panic` error), type-checks
# the tests with `tsc --noEmit --strict`, compiles them to build/tests and runs them with
# `node --test`. Exits non-zero on the first failure.
#
# Usage: bindings-node/run-tests.sh        (from anywhere; honours CARGO_TARGET_DIR)
set -euo pipefail
cd "$(dirname "$0")"
step() { printf '\n==> node: %s\n' "$*"; }

step "npm ci"
npm ci --no-audit --no-fund

step "build the addon (release, with the debug-panic test hook)"
npx napi build --platform --release --features debug-panic

# index.d.ts is generated from the Rust doc comments and committed (it ships); a build
# that changes it means the committed copy is stale.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && ! git diff --quiet -- index.d.ts; then
    git --no-pager diff --stat -- index.d.ts
    echo "index.d.ts is stale: the build regenerated it; review and commit it" >&2
    exit 1
fi

step "type-check the tests (tsc --noEmit --strict)"
npx tsc -p tests/tsconfig.json --noEmit --strict

step "compile the tests"
rm -rf build/tests
npx tsc -p tests/tsconfig.json

step "run the tests"
RUST_BACKTRACE=0 node --test build/tests/*.test.js build/tests/*.test.mjs
