#!/usr/bin/env bash
# Tests the release archive as a user would get it: unpacks dist/slac-VERSION-linux-x86_64.tar.gz
# into an empty folder and runs the README's first command there with a bare environment
# (env -i, PATH=/usr/bin:/bin: no Swift toolchain on PATH, no LD_LIBRARY_PATH).
#
# Usage: scripts/test-package.sh [ARCHIVE]   (default: the archive of the current version in dist/;
#                                             build it with scripts/package.sh first)
# Not part of `swift test`: it needs the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/SLACTool/Version.swift)
name="slac-$version-linux-x86_64"
archive=$(realpath "${1:-dist/$name.tar.gz}")
[ -f "$archive" ] || { echo "test-package.sh: no $archive; run scripts/package.sh first" >&2; exit 1; }
(cd "$(dirname "$archive")" && sha256sum -c "$(basename "$archive").sha256")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xzf "$archive"
top="$work/$name"
fail() { echo "test-package.sh: FAIL: $*" >&2; exit 1; }

# Runs a command in the unpacked folder with nothing of this shell's environment.
bare() { (cd "$top" && env -i PATH=/usr/bin:/bin HOME="$HOME" "$@"); }

for f in bin/slac share/man/man1/slac.1 share/man/man1/slac.verify.1 \
         share/bash-completion/completions/slac share/zsh/site-functions/_slac \
         share/fish/vendor_completions.d/slac.fish share/slac/schemas/slac-report-1.xsd \
         README.md THIRD-PARTY-NOTICES.md Contracts/acme-schedule-b.sla; do
  [ -s "$top/$f" ] || fail "$f missing or empty"
done

echo "== ldd bin/slac"
bare ldd bin/slac | tee "$work/ldd.txt"
grep -q "not found" "$work/ldd.txt" && fail "a library is not found"
grep -Eq "swift" "$work/ldd.txt" && fail "a Swift library is loaded"

echo "== bin/slac --version"
bare bin/slac --version | tee "$work/version.txt"
grep -Eqx "$version \(git [0-9a-f]{7}(-dirty)?\)" "$work/version.txt" || fail "--version names no git revision"

# The README's first command (the archive's README runs it as bin/slac from the unpacked folder).
first=$(grep -m1 -E '^    bin/slac verify ' "$top/README.md" | sed 's/^ *//')
[ -n "$first" ] || fail "no first command in the archive's README"
echo "== $first"
set +e
bare sh -c "$first"
status=$?
set -e
[ "$status" -eq 1 ] || fail "exit $status, expected 1 (the sample breaches clauses)"
[ -s "$top/report.xml" ] || fail "no report.xml"
grep -q 'verdict="breached"' "$top/report.xml" || fail "report.xml is not a breached report"

echo "== the same with PATH=bin:/usr/bin:/bin (installed use), JUnit and HTML"
set +e
(cd "$top" && env -i PATH="$top/bin:/usr/bin:/bin" HOME="$HOME" slac verify --quiet \
  --contract Contracts/acme-schedule-b.sla Contracts/samples/acme-2026-03-14.jsonl \
  --report r2.xml --junit junit.xml --html r2.html)
status=$?
set -e
[ "$status" -eq 1 ] || fail "exit $status, expected 1"
grep -q '<testsuite' "$top/junit.xml" || fail "no JUnit file"
grep -q '<svg' "$top/r2.html" || fail "the HTML page has no chart"

echo "== schema and stylesheet come from the binary: render and verify-report with no Schemas/ folder"
rm -rf "$top/share/slac"
bare bin/slac render report.xml -o report.html
grep -q '<html' "$top/report.html" || fail "render wrote no page"
bare bin/slac verify-report report.xml
bare bin/slac check Contracts/*.sla > /dev/null
bare bin/slac fmt --check Contracts/acme-schedule-b.sla

echo "== usage error exits 2"
set +e
bare bin/slac verify --no-such-option > /dev/null 2>&1
status=$?
set -e
[ "$status" -eq 2 ] || fail "usage error exit $status, expected 2"

echo "== completions and man page"
bash -n "$top/share/bash-completion/completions/slac" || fail "bash completion is not valid bash"
grep -q 'verify' "$top/share/fish/vendor_completions.d/slac.fish" || fail "fish completion lacks verify"
if command -v zsh >/dev/null 2>&1; then zsh -n "$top/share/zsh/site-functions/_slac" || fail "zsh completion is not valid zsh"; fi
if command -v fish >/dev/null 2>&1; then fish -n "$top/share/fish/vendor_completions.d/slac.fish" || fail "fish completion is not valid fish"; fi
# bash: `slac verify --al<TAB>` offers --allow-empty (the function's arguments are command, word, previous word).
reply=$(cd "$top" && PATH="$top/bin:/usr/bin:/bin" bash -c 'source share/bash-completion/completions/slac
  COMP_WORDS=(slac verify --al); COMP_CWORD=2; COMP_LINE="slac verify --al"; COMP_POINT=${#COMP_LINE}
  _slac slac --al verify; echo "${COMPREPLY[*]}"')
[ "$reply" = "--allow-empty" ] || fail "bash completion of 'slac verify --al' gave '$reply'"
if command -v man >/dev/null 2>&1; then
  MANPATH="$top/share/man" man -P cat slac.verify 2>/dev/null | grep -q -- '--contract' || fail "man slac.verify lacks --contract"
else
  grep -q 'contract' "$top/share/man/man1/slac.verify.1" || fail "slac.verify.1 lacks --contract"
fi

echo "test-package.sh: OK ($(du -h "$archive" | cut -f1) archive)"
