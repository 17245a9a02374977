#!/usr/bin/env bash
# Side-by-side comparison of oko with the tools analysts would use instead (polars, pandas,
# zen-engine): generates a region, cross-checks every output, then times each tool and
# prints one table. See benches/README.md ("Comparison with other tools").
#
#   benches/compare/run.sh [--students N] [--runs R] [--zen-rows K]   full comparison
#   benches/compare/run.sh --smoke                                   2,000 students, cross-check only
#   benches/compare/run.sh --scaling [--runs R]                      oko alone at 10k, 100k, 1M students
#
# Environment: OKO_VENV (default .venv) is created and given polars, pandas, pyarrow and
# zen-engine from PyPI if they are missing, and (full mode) the Python package oko built from
# this checkout (bindings-python/install-wheel.sh); CARGO_TARGET_DIR as usual; OKO_BENCH_DATA is
# where generated data and outputs go (default $CARGO_TARGET_DIR/compare).
# Exit status: 0 when every output agrees, 1 when the cross-check finds a difference,
# 2 on a usage or setup error.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

students=1000000
runs=3
zen_rows=20000
mode=full
while [[ $# -gt 0 ]]; do
  case "$1" in
    --students) students="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --zen-rows) zen_rows="$2"; shift 2 ;;
    --smoke) mode=smoke; shift ;;
    --scaling) mode=scaling; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

target="${CARGO_TARGET_DIR:-$root/target}"
data_root="${OKO_BENCH_DATA:-$target/compare}"
venv="${OKO_VENV:-.venv}"
bin="$target/release"
say() { printf '==> %s\n' "$*" >&2; }

say "building the release binaries (oko-benches)"
cargo build --release --locked -q -p oko-benches --bins

if ! "$venv/bin/python" -c "import polars, pandas, pyarrow, zen" 2>/dev/null; then
  say "installing polars, pandas, pyarrow, zen-engine into $venv"
  [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check \
    "polars>=2.1,<3" "pandas>=3.1,<4" "pyarrow>=26" "zen-engine>=2.1,<3"
fi
py="$(cd "$(dirname "$venv/bin/python")" && pwd)/python"

# generate N [SCHOOLS MUNICIPALITIES] → prints the data folder
generate() {
  local n="$1" dir="$data_root/s$1"
  local extra=()
  if [[ $# -ge 3 ]]; then extra=(--schools "$2" --municipalities "$3"); dir="$data_root/s$1-$2"; fi
  # Data from an older generator binary (core changed since) is made again.
  if [[ ! -f "$dir/meta.json" || "$bin/oko-bench-gen" -nt "$dir/meta.json" ]]; then
    say "generating $n students into $dir"
    rm -rf "$dir"
    "$bin/oko-bench-gen" --out "$dir" --students "$n" "${extra[@]}" >&2
  fi
  echo "$dir"
}

# cross_check DATA WORK ZEN_ROWS: every tool once with outputs, then check.py
cross_check() {
  local data="$1" work="$2" zrows="$3"
  rm -rf "$work"; mkdir -p "$work"/{oko,pandas,polars,zen}
  cp "$data/meta.json" "$work/meta.json"
  say "cross-check: running every tool once with outputs"
  "$bin/oko-compare" "$data/region" --rules rules --out "$work/oko" > "$work/oko/run.json"
  "$bin/oko-risk" "$data/risk.csv" --out "$work/oko/risk.csv" > /dev/null
  (cd "$here" && "$py" polars_impl.py "$data/region" --rules "$root/rules" --out "$work/polars" > /dev/null)
  (cd "$here" && "$py" pandas_impl.py "$data/region" --rules "$root/rules" --out "$work/pandas" > /dev/null)
  (cd "$here" && "$py" zen_impl.py "$data/risk.csv" --rows "$zrows" --out "$work/zen/risk.csv" > /dev/null)
  "$py" "$here/check.py" "$work"
}

machine() {
  local when="$1" file="$2"
  local load; load="$(cut -d' ' -f1-3 /proc/loadavg)"
  if [[ "$when" == before ]]; then
    "$py" - "$file" "$load" <<'EOF'
import json, os, subprocess, sys
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()[1].split()[1]
json.dump({"nproc": os.cpu_count(), "cpu": cpu, "mem_total": mem, "load_before": sys.argv[2]}, open(sys.argv[1], "w"))
EOF
  else
    "$py" - "$file" "$load" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1])); d["load_after"] = sys.argv[2]; json.dump(d, open(sys.argv[1], "w"))
EOF
  fi
}

case "$mode" in
  smoke)
    data="$(generate 2000 20 4)"
    cross_check "$data" "$data/work" 2000
    ;;
  full)
    data="$(generate "$students")"
    work="$data/work"
    cross_check "$data" "$work" "$zen_rows"
    machine before "$work/machine.json"
    "$py" "$here/arrow_size.py" "$data/region" > "$work/arrow.json"
    binding="$root/benches/python/bench_binding.py"
    # The Python package from this checkout, built and installed into the venv as
    # bindings-python/run-tests.sh does; if it cannot be built, its row says "not measured".
    if [[ -f "$binding" ]]; then
      say "building the Python package oko into $venv (maturin, release)"
      "$root/bindings-python/install-wheel.sh" "$venv" >&2 ||
        say "the Python package did not build: its row stays 'not measured'"
    fi
    for ((i = 1; i <= runs; i++)); do
      say "run $i of $runs"
      "$bin/oko-compare" "$data/region" --rules rules | tail -n1 >> "$work/indicators.jsonl"
      (cd "$here" && "$py" polars_impl.py "$data/region" --rules "$root/rules") | tail -n1 >> "$work/indicators.jsonl"
      (cd "$here" && "$py" pandas_impl.py "$data/region" --rules "$root/rules") | tail -n1 >> "$work/indicators.jsonl"
      # The Python binding's own benchmark, when it exists: same protocol (one JSON line with
      # tool "oko (Python, pyarrow)", load_s, compute_s, peak_rss_bytes).
      if [[ -f "$binding" ]] && "$py" -c "import oko" 2>/dev/null; then
        "$py" "$binding" "$data/region" --rules "$root/rules" | tail -n1 >> "$work/indicators.jsonl" || true
      fi
      "$bin/oko-risk" "$data/risk.csv" | tail -n1 >> "$work/risk.jsonl"
      (cd "$here" && "$py" zen_impl.py "$data/risk.csv" --rows "$zen_rows") | tail -n1 >> "$work/risk.jsonl"
    done
    machine after "$work/machine.json"
    "$py" "$here/report.py" "$work"
    ;;
  scaling)
    echo "| students | results | marks | load, s (CPU) | compute, s (CPU) | CPU per student, µs: load | compute | peak RSS |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
    for n in 10000 100000 1000000; do
      data="$(generate "$n")"
      out="$data/scaling.jsonl"; : > "$out"
      for ((i = 1; i <= runs; i++)); do
        "$bin/oko-compare" "$data/region" --rules rules | tail -n1 >> "$out"
      done
      "$py" - "$out" <<'EOF'
import json, statistics, sys
rs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
m = lambda k: statistics.median(r[k] for r in rs)
n = rs[0]["students"]
print(f"| {n:,} | {rs[0]['results']:,} | {rs[0]['marks']:,} | {m('load_s'):.3f} ({m('load_cpu_s'):.2f}) | "
      f"{m('compute_s'):.3f} ({m('compute_cpu_s'):.2f}) | {m('load_cpu_s') / n * 1e6:.2f} | "
      f"{m('compute_cpu_s') / n * 1e6:.2f} | {max(r['peak_rss_bytes'] for r in rs) / 2**20:,.0f} MiB |")
EOF
    done
    ;;
esac
