#!/usr/bin/env bash
# Renders a compliance report's HTML page to a PNG with headless Chromium, to look at the page
# the way an auditor's browser shows it (layout, charts, print styles aside).
#
#   scripts/render-report-png.sh REPORT.xml|PAGE.html OUT.png [WIDTHxHEIGHT]
#
# A report (.xml) is first rendered with `slac render`: $SLAC, else the newer of the debug and
# release builds in .build, else `slac` on PATH.
# Needs Debian's `chromium` (apt-get install -y chromium). The browser runs with networking
# disabled; the page has no external resources anyway.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 REPORT.xml|PAGE.html OUT.png [WIDTHxHEIGHT]" >&2
    exit 2
fi
input=$1
output=$2
size=${3:-1280x4000}
here=$(cd "$(dirname "$0")/.." && pwd)

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [[ -z $browser ]]; then
    echo "error: chromium not found; install it with: apt-get update && apt-get install -y chromium" >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case $input in
    *.html|*.htm)
        page=$work/page.html
        cp "$input" "$page"
        ;;
    *)
        # $SLAC if set; else the newer of the debug and release builds (a release build alone is
        # enough); else the slac on PATH.
        slac=${SLAC:-}
        if [[ -z $slac ]]; then
            for candidate in "$here/.build/debug/slac" "$here/.build/release/slac"; do
                if [[ -x $candidate ]] && { [[ -z $slac ]] || [[ $candidate -nt $slac ]]; }; then slac=$candidate; fi
            done
        fi
        [[ -n $slac ]] || slac=$(command -v slac || true)
        if [[ -z $slac || ! -x $slac ]]; then
            echo "error: no slac binary; run \`swift build\` (or \`swift build -c release\`) first, or set SLAC" >&2
            exit 2
        fi
        page=$work/page.html
        "$slac" render "$input" -o "$page"
        ;;
esac

out_dir=$(cd "$(dirname "$output")" && pwd)
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --proxy-server='127.0.0.1:9' --proxy-bypass-list='<-loopback>' \
    --user-data-dir="$work/profile" \
    --window-size="${size/x/,}" \
    --screenshot="$out_dir/$(basename "$output")" \
    "file://$page" 2>"$work/chromium.log" || { cat "$work/chromium.log" >&2; exit 1; }
echo "wrote $out_dir/$(basename "$output")"
