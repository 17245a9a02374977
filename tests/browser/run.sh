#!/usr/bin/env bash
# Browser test of the HTML report, in headless Chromium (Debian's package).
#
# What it checks, for the report in Russian and in English (`oko report --lang en`), made
# with the release binary from a generated district (`oko generate --preset district`):
#   1. the page renders: a 1280x2000 screenshot that is not blank (check_png.py decodes the
#      PNG with Python's standard library: the expected size, >= 3% non-white pixels and
#      >= 8 distinct colours);
#   2. the page logged nothing: Chromium runs with --enable-logging=stderr --v=0, and any
#      console message (CONSOLE), failed resource load (Failed to load resource,
#      net::ERR_*) or refused request (Refused to ...) fails the test. The report has no
#      scripts and loads nothing, so there must be none;
#   3. the browser parsed it as intended: --dump-dom holds all six sections
#      (summary, flagged, objectivity, district, histograms, context) and as many <svg>
#      charts as the file;
#   4. it prints on A4: --print-to-pdf gives pages with an A4 MediaBox (595x842 pt), at
#      least one per section;
#   5. it is self-contained: the file names no http:// or https:// address and has no
#      src=, <script, <link, url( or @import (a static check: headless Chromium does not
#      log a refused load of a resource, so 2 alone would not catch one).
# Screenshots, PDFs and logs are left in $OKO_BROWSER_OUT (default target/browser-test/)
# for people to look at.
#
# Usage: tests/browser/run.sh   (as root it installs chromium if missing; needs cargo
# and python3). Exit 0 when every check passes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="${OKO_BROWSER_OUT:-$ROOT/target/browser-test}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
mkdir -p "$OUT"
fail=0

if ! command -v chromium >/dev/null 2>&1; then
    echo "browser test: installing chromium (Debian package)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
# Cyrillic text needs a font that has it; DejaVu is the report's first choice.
if ! fc-list 2>/dev/null | grep -qi dejavu; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null || true
fi

echo "browser test: building the release binary"
cargo build --release -q -p oko-cli
OKO="$TARGET/release/oko"

DATA="$OUT/data"
rm -rf "$DATA"
"$OKO" generate --out "$DATA" --preset district >/dev/null

chrome() {
    # A fresh profile per run; no network traffic of Chromium's own.
    local profile
    profile="$(mktemp -d)"
    timeout 120 chromium --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update --disable-sync \
        --no-first-run --disable-quic --disable-extensions --hide-scrollbars \
        --user-data-dir="$profile" --enable-logging=stderr --v=0 "$@"
    local rc=$?
    rm -rf "$profile"
    return $rc
}

for lang in ru en; do
    html="$OUT/report-$lang.html"
    "$OKO" report --data "$DATA" --out "$html" --lang "$lang" >/dev/null
    url="file://$html"
    echo "browser test: $html ($(wc -c <"$html") bytes)"

    # 5: nothing from the network.
    if grep -n -o -E "https?://|src=|<script|<link|url\(|@import" "$html"; then
        echo "FAIL [$lang]: the report refers to outside resources (above)"
        fail=1
    fi

    # 1 and 2: screenshot, console.
    rm -f "$OUT/report-$lang.png"
    chrome --screenshot="$OUT/report-$lang.png" --window-size=1280,2000 "$url" \
        >"$OUT/screenshot-$lang.log" 2>&1 || true
    if [ ! -s "$OUT/report-$lang.png" ]; then
        echo "FAIL [$lang]: no screenshot (see $OUT/screenshot-$lang.log)"
        fail=1
    elif ! python3 "$ROOT/tests/browser/check_png.py" "$OUT/report-$lang.png" 1280 2000; then
        echo "FAIL [$lang]: blank screenshot"
        fail=1
    fi
    if grep -E "CONSOLE|Failed to load resource|net::ERR_|Refused to" "$OUT/screenshot-$lang.log"; then
        echo "FAIL [$lang]: the page logged errors or requests (above)"
        fail=1
    fi

    # 3: the DOM as the browser parsed it.
    chrome --dump-dom "$url" >"$OUT/report-$lang.dom.html" 2>"$OUT/dom-$lang.log" || true
    for id in summary flagged objectivity district histograms context; do
        if ! grep -q "<section id=\"$id\"" "$OUT/report-$lang.dom.html"; then
            echo "FAIL [$lang]: section $id missing from the parsed DOM"
            fail=1
        fi
    done
    want_svg=$(grep -o "<svg " "$html" | wc -l)
    got_svg=$(grep -o "<svg " "$OUT/report-$lang.dom.html" | wc -l)
    if [ "$want_svg" -ne "$got_svg" ] || [ "$got_svg" -lt 10 ]; then
        echo "FAIL [$lang]: $got_svg charts in the parsed DOM, $want_svg in the file"
        fail=1
    fi
    if grep -E "CONSOLE|Failed to load resource|net::ERR_|Refused to" "$OUT/dom-$lang.log"; then
        echo "FAIL [$lang]: the page logged errors or requests while parsing (above)"
        fail=1
    fi

    # 4: print on A4.
    rm -f "$OUT/report-$lang.pdf"
    chrome --no-pdf-header-footer --print-to-pdf="$OUT/report-$lang.pdf" "$url" \
        >"$OUT/pdf-$lang.log" 2>&1 || true
    if [ ! -s "$OUT/report-$lang.pdf" ]; then
        echo "FAIL [$lang]: no PDF (see $OUT/pdf-$lang.log)"
        fail=1
    else
        pages=$(grep -a -c "/MediaBox" "$OUT/report-$lang.pdf" || true)
        a4=$(grep -a -o "/MediaBox \[0 0 59[45][.0-9]* 84[12][.0-9]*\]" "$OUT/report-$lang.pdf" | wc -l)
        echo "browser test: $OUT/report-$lang.pdf: $pages page(s), $a4 on A4"
        if [ "$pages" -lt 6 ] || [ "$a4" -ne "$pages" ]; then
            echo "FAIL [$lang]: expected at least 6 A4 pages"
            fail=1
        fi
    fi
done

if [ "$fail" -ne 0 ]; then
    echo "browser test: FAILED (files in $OUT)"
    exit 1
fi
echo "browser test: ok (screenshots in $OUT)"
