#!/usr/bin/env bash
# Builds the relocatable release archive:
#
#   dist/slac-VERSION-linux-x86_64.tar.gz          (and .sha256 beside it)
#
# holding one top-level folder slac-VERSION-linux-x86_64/ with
#
#   bin/slac                                        release build, Swift runtime and Foundation linked statically
#   share/man/man1/slac.1, slac.*.1                 man pages (swift-argument-parser's generate-manual plugin)
#   share/bash-completion/completions/slac          shell completions (slac --generate-completion-script)
#   share/zsh/site-functions/_slac
#   share/fish/vendor_completions.d/slac.fish
#   share/slac/schemas/                             the report XSD and HTML stylesheet (also built into the binary)
#   Contracts/                                      example contracts and their sample traces
#   README.md                                       install, runtime libraries, first command
#   THIRD-PARTY-NOTICES.md, licenses/               licences of the code linked into the binary
#
# The report schema and the HTML stylesheet are compiled into the binary (the SLACSchemas target
# embeds Schemas/*.xsd and *.xsl with SwiftPM's `.embedInCode`), so bin/slac needs no data files.
#
# What stays dynamic: the C library and a few Debian system libraries (ldd, printed below):
#   libxslt (libxslt1.1), libxml2 (libxml2), zlib (zlib1g), libstdc++ (libstdc++6),
#   libgcc_s (libgcc-s1), libc and libm (libc6, symbols up to GLIBC_2.35) and, through libxml2,
#   liblzma (liblzma5) and libicuuc/libicudata (libicu72 on Debian 12).
# The script fails when ldd reports a library as "not found", or one under the Swift toolchain.
#
# The version is SlacVersion.current (Sources/SLACTool/Version.swift); the git revision is
# written into Sources/SLACTool/Revision.swift for the build and the checked-in file is put back
# afterwards (also on failure or Ctrl-C).
#
# Usage: scripts/package.sh            (run it under `nice -n 19` on a shared machine)
# Environment: SCRATCH (default .build-release-static), DIST (default dist).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${SCRATCH:-.build-release-static}
dist=${DIST:-dist}

version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/SLACTool/Version.swift)
[ -n "$version" ] || { echo "package.sh: no version in Sources/SLACTool/Version.swift" >&2; exit 1; }
if git rev-parse --git-dir >/dev/null 2>&1; then
  revision=$(git rev-parse --short=7 HEAD)
  git diff --quiet HEAD -- Sources Package.swift || revision="$revision-dirty"
  # The date of the commit, so that a rebuild of the same commit gives the same man pages and archive.
  stamp=$(git log -1 --format=%ct HEAD)
else
  revision=unknown
  stamp=$(date +%s)
fi
day=$(date -u -d "@$stamp" +%Y-%m-%d)
name="slac-$version-linux-x86_64"
echo "== slac $version (git $revision), $name"

# --- the revision, for this build only
revision_file=Sources/SLACTool/Revision.swift
backup=$(mktemp)
cp -p "$revision_file" "$backup"
restore() { cp -p "$backup" "$revision_file"; rm -f "$backup"; }
trap restore EXIT
cat > "$revision_file" <<EOF
// Written by scripts/package.sh for a release build; the checked-in file says "unknown".
enum BuildRevision {
    static let value = "$revision"
}
EOF

# --- man pages: swift-argument-parser's generate-manual plugin builds the package (a debug
# build in a scratch folder of its own: sharing the release one would make the two builds
# overwrite each other's objects) and turns `slac --experimental-dump-help` into one page per
# command, dated by the commit.
echo "== man pages (swift package plugin generate-manual)"
manual_scratch="$scratch-manual"
swift package --scratch-path "$manual_scratch" plugin generate-manual --configuration debug \
  --multi-page --date "$day" --authors "the slac authors" >/dev/null
man_dir="$manual_scratch/plugins/GenerateManual/outputs/slac"
ls "$man_dir"/slac.1 >/dev/null

# --- the binary
echo "== swift build -c release --static-swift-stdlib"
swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product slac
bin="$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/slac"
restore; trap - EXIT

echo "== ldd $bin"
ldd_out=$(ldd "$bin")
echo "$ldd_out"
if grep -q "not found" <<<"$ldd_out"; then
  echo "package.sh: a shared library is missing (above)" >&2; exit 1
fi
if grep -Eq "libswift|libFoundation|libdispatch|libBlocksRuntime|/opt/swift|swift/linux" <<<"$ldd_out"; then
  echo "package.sh: the binary still needs a Swift runtime library (above)" >&2; exit 1
fi
"$bin" --version | grep -qx "$version (git $revision)" || {
  echo "package.sh: slac --version says '$("$bin" --version)', expected '$version (git $revision)'" >&2; exit 1; }

# --- the tree
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
top="$stage/$name"
mkdir -p "$top/bin" "$top/share/man/man1" "$top/share/bash-completion/completions" \
  "$top/share/zsh/site-functions" "$top/share/fish/vendor_completions.d" "$top/share/slac/schemas" \
  "$top/Contracts/samples" "$top/licenses"
install -m 0755 "$bin" "$top/bin/slac"
strip "$top/bin/slac"
cp "$man_dir"/*.1 "$top/share/man/man1/"
"$top/bin/slac" --generate-completion-script bash > "$top/share/bash-completion/completions/slac"
"$top/bin/slac" --generate-completion-script zsh > "$top/share/zsh/site-functions/_slac"
"$top/bin/slac" --generate-completion-script fish > "$top/share/fish/vendor_completions.d/slac.fish"
cp Schemas/slac-report-1.xsd Schemas/slac-report-html.xsl "$top/share/slac/schemas/"
cp Contracts/*.sla "$top/Contracts/"
cp Contracts/samples/README.md Contracts/samples/acme-2026-03-14.jsonl Contracts/samples/make_period_samples.py \
  Contracts/samples/error-rate-uptime-2026-06.jsonl Contracts/samples/downtime-minutes-2026-09.jsonl \
  Contracts/samples/provisioned-throughput-tps-2026-05.jsonl "$top/Contracts/samples/"
cp "$scratch/checkouts/swift-argument-parser/LICENSE.txt" "$top/licenses/swift-argument-parser.txt"
cp "$scratch/checkouts/swift-crypto/LICENSE.txt" "$top/licenses/swift-crypto.txt"
swift_license=$(dirname "$(dirname "$(command -v swift)")")/share/swift/LICENSE.txt
[ -f "$swift_license" ] && cp "$swift_license" "$top/licenses/swift.txt"

cat > "$top/THIRD-PARTY-NOTICES.md" <<'EOF'
# Third-party code in bin/slac

bin/slac is statically linked with:

- the Swift standard library, runtime, Dispatch and Foundation (swift-corelibs-foundation,
  swift-foundation, swift-foundation-icu): Apache License 2.0 with Runtime Library Exception,
  licenses/swift.txt;
- swift-argument-parser: Apache License 2.0 with Runtime Library Exception,
  licenses/swift-argument-parser.txt;
- swift-crypto and the BoringSSL code it contains: Apache License 2.0 and the BoringSSL/OpenSSL
  licences, licenses/swift-crypto.txt.

It loads these system libraries at run time (not shipped here): libxml2 and libxslt (MIT), zlib
(zlib licence), libstdc++ and libgcc_s (GPL with the GCC Runtime Library Exception), glibc (LGPL).
EOF

cat > "$top/README.md" <<EOF
# slac $version (git $revision) for Linux x86_64

slac compiles service-level agreements for LLM inference into monitors and verifies inference
traces against them, writing XML, JUnit and HTML compliance reports.

## Runtime libraries

bin/slac carries its Swift runtime; it needs glibc 2.35 or later and these system libraries. On
Debian 12 (bookworm) or Ubuntu 22.04 and later:

    sudo apt-get install libxml2 libxslt1.1 zlib1g libstdc++6 libgcc-s1

Other distributions: the same libraries under their names there. If one is missing, the
dynamic linker says so before slac starts, e.g. "error while loading shared libraries:
libxslt.so.1"; \`ldd bin/slac\` lists what it needs.

## First command

From this folder:

    bin/slac verify --contract Contracts/acme-schedule-b.sla Contracts/samples/acme-2026-03-14.jsonl --report report.xml

It prints a summary, writes report.xml and exits 1: the sample trace breaches clauses 4.1, 4.2 and
5.2. Then \`bin/slac render report.xml -o report.html\` makes the auditor's page.

Exit codes: 0 compliant, 1 a clause breached, 2 invalid contract, plan or usage, 3 input error.

## Install

Copy bin/ and share/ under a prefix, e.g. /usr/local:

    sudo cp -r bin share /usr/local/

That puts slac on PATH, \`man slac\` (and \`man slac.verify\` etc., one page per command) in the manual, and the bash, zsh
and fish completions where those shells look. Or use it in place: \`export PATH=\$PWD/bin:\$PATH\`.

## Contents

- bin/slac
- share/man/man1/: man pages
- share/bash-completion/, share/zsh/, share/fish/: shell completions
- share/slac/schemas/: the report's XML Schema and the HTML stylesheet (also built into slac)
- Contracts/: example contracts and sample traces
- THIRD-PARTY-NOTICES.md, licenses/
EOF

# --- the archive: sorted, owned by root, dated by the commit
mkdir -p "$dist"
archive="$dist/$name.tar.gz"
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$stamp" -cf - "$name" \
  | gzip -n -9 > "$archive"
(cd "$dist" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
echo "== $archive ($(du -h "$archive" | cut -f1)), binary $(du -h "$top/bin/slac" | cut -f1)"
tar -tzf "$archive" | sed 's/^/   /'
cat "$dist/$name.tar.gz.sha256"
