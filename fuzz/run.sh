#!/usr/bin/env bash
# Fuzzes oko with cargo-fuzz (libFuzzer). Installs cargo-fuzz from crates.io when missing.
#
# Usage: fuzz/run.sh --smoke            every target: replay its committed corpus, then fuzz
#                                       5 s (a quick unoptimised build without sanitizer)
#        fuzz/run.sh [--time S] [T...]  fuzz targets T (default: all) for S seconds each
#                                       (default 600), one after another, at nice 19, with
#                                       optimisations, debug assertions and AddressSanitizer
#        fuzz/run.sh --list             the targets
#
# cargo-fuzz needs nightly flags (-Z); stable rustc accepts them with RUSTC_BOOTSTRAP=1,
# which this script sets for its own builds only. New inputs go to fuzz/work/<target>
# (not committed); crashes to fuzz/artifacts/<target>. See fuzz/README.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
export RUSTC_BOOTSTRAP=1

smoke=0
time=600
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) smoke=1; time=5 ;;
        --time) time="$2"; shift ;;
        --list) targets=(--list) ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) targets+=("$1") ;;
    esac
    shift
done

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "==> installing cargo-fuzz (crates.io)"
    cargo install cargo-fuzz --locked
fi
all=(rules_toml rules_json expr input_csv input_xlsx input_json dataset)
if [ "${targets[*]:-}" = "--list" ]; then
    printf '%s\n' "${all[@]}"
    exit 0
fi
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")

# Largest input per target: rule files and tables are small; workbooks are zips.
max_len() {
    case "$1" in
        input_xlsx) echo 65536 ;;
        expr) echo 4096 ;;
        *) echo 16384 ;;
    esac
}

if [ "$smoke" = 1 ]; then
    # Debug assertions are on in a dev build; no sanitizer keeps the build short.
    build=(--dev -s none)
    what="unoptimised, debug assertions, no sanitizer"
else
    build=(-O --debug-assertions)
    what="optimised, debug assertions, AddressSanitizer"
fi
echo "==> building the fuzz targets ($what)"
nice -n 19 cargo fuzz build "${build[@]}"

for t in "${targets[@]}"; do
    mkdir -p "work/$t" "artifacts/$t"
    common=(-rss_limit_mb=2048 -timeout=10 -max_len="$(max_len "$t")"
            -artifact_prefix="artifacts/$t/" -print_final_stats=1)
    echo "==> $t: replaying corpus/$t"
    nice -n 19 cargo fuzz run "${build[@]}" "$t" "corpus/$t" -- \
        "${common[@]}" -runs=0
    echo "==> $t: fuzzing for ${time} s"
    set +e
    nice -n 19 cargo fuzz run "${build[@]}" "$t" "work/$t" "corpus/$t" -- \
        "${common[@]}" -max_total_time="$time" > "work/$t.log" 2>&1
    rc=$?
    set -e
    grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY)' "work/$t.log" || true
    if [ "$rc" -ne 0 ]; then
        tail -n 40 "work/$t.log" >&2
        echo "fuzz target $t failed; see fuzz/work/$t.log and fuzz/artifacts/$t/" >&2
        exit 1
    fi
done
echo "fuzz: all targets passed"
