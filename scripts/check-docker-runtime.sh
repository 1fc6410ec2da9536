#!/usr/bin/env bash
# Checks the Dockerfile's run stage against the libraries the release binary loads: for every
# library that `ldd` lists, `dpkg -S` names the Debian package that ships it, and that package must
# be on the run stage's `apt-get install` line, or (for a library that slac does not load directly
# but one of those does, e.g. libicu through libxml2) be a dependency of a package on that line.
# libc6 is in every Debian base image and needs no listing.
#
# Run it on Debian bookworm, the run stage's release, so that the package names are the same.
#
# Usage: scripts/check-docker-runtime.sh [BINARY] [DOCKERFILE]
#   BINARY defaults to bin/slac of the archive in dist/ (scripts/package.sh), else the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/SLACTool/Version.swift)
dockerfile=${2:-Dockerfile}
binary=${1:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "$binary" ]; then
  archive="dist/slac-$version-linux-x86_64.tar.gz"
  if [ -f "$archive" ]; then
    tar -C "$tmp" -xzf "$archive" "slac-$version-linux-x86_64/bin/slac"
    binary="$tmp/slac-$version-linux-x86_64/bin/slac"
  else
    binary=.build-release-static/release/slac
  fi
fi
[ -x "$binary" ] || { echo "check-docker-runtime.sh: no binary at $binary (run scripts/package.sh)" >&2; exit 1; }
command -v dpkg >/dev/null || { echo "check-docker-runtime.sh: needs dpkg (Debian)" >&2; exit 1; }

# The run stage is what follows the last FROM; its apt-get install line, continuation lines joined.
listed=$(awk '/^FROM /{stage=""} {stage=stage $0 "\n"} END{print stage}' "$dockerfile" \
  | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' \
  | grep -o 'apt-get install[^&]*' | head -1 \
  | tr ' \t' '\n\n' | grep -v -e '^$' -e '^-' -e '^apt-get$' -e '^install$' | sort -u)
[ -n "$listed" ] || { echo "check-docker-runtime.sh: no apt-get install line in the run stage of $dockerfile" >&2; exit 1; }
echo "run stage installs: $(echo $listed)"

# Everything those packages pull in (Depends and Pre-Depends, recursively).
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances $listed 2>/dev/null | grep -v '^ ' | grep -v '^<' | sed 's/:.*//' | sort -u)

# Libraries slac names itself (DT_NEEDED) versus those only its libraries need.
direct=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')

package_of() {
  local path=$1 real
  real=$(readlink -f "$path")
  for p in "$path" "$real" "/usr$path" "/usr$real" "${path#/usr}" "${real#/usr}"; do
    if out=$(dpkg -S "$p" 2>/dev/null); then echo "${out%%:*}" | cut -d, -f1 | sed 's/:.*//'; return; fi
  done
  echo "?"
}

status=0
printf '%-28s %-12s %-12s %s\n' LIBRARY PACKAGE HOW VERDICT
while read -r lib _ path _; do
  [ "$path" = "not" ] && { echo "$lib: not found on this machine"; status=1; continue; }
  case "$lib" in linux-vdso.so.*|/lib64/ld-linux-x86-64.so.*) continue ;; esac
  pkg=$(package_of "$path")
  how=indirect
  grep -qx "$lib" <<<"$direct" && how=direct
  if [ "$pkg" = "libc6" ]; then verdict="ok (base image)"
  elif grep -qx "$pkg" <<<"$listed"; then verdict="ok (listed)"
  elif [ "$how" = indirect ] && grep -qx "$pkg" <<<"$closure"; then verdict="ok (dependency)"
  else verdict="MISSING from the run stage"; status=1
  fi
  printf '%-28s %-12s %-12s %s\n' "$lib" "$pkg" "$how" "$verdict"
done < <(ldd "$binary" | awk '{ if ($2 == "=>") print $1, $2, $3, $4; else print $1, "=>", $1, "" }')

[ $status -eq 0 ] && echo "check-docker-runtime.sh: OK" || echo "check-docker-runtime.sh: FAIL" >&2
exit $status
