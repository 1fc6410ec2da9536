#!/usr/bin/env bash
# libFuzzer harnesses of slac (issue 15; docs/fuzzing.md).
#
#   scripts/fuzz.sh --list                       the targets
#   scripts/fuzz.sh --build                      build the fuzzer only
#   scripts/fuzz.sh TARGET SECONDS [FLAGS...]    build if needed, fuzz TARGET for SECONDS with its
#                                                seed corpus and dictionary; extra FLAGS go to
#                                                libFuzzer (e.g. -runs=1000000, -jobs=2)
#   scripts/fuzz.sh --ci SECONDS_PER_TARGET      build, then every target briefly (fixed seed);
#                                                exits 1 when any target crashed or hung. With
#                                                SLAC_FUZZ_BUDGET=S the whole step, build included,
#                                                keeps within S seconds (see "CI" below)
#   scripts/fuzz.sh --replay TARGET FILE...      run saved inputs through the fuzzer binary
#
# Design. The harness bodies are a normal library target, Sources/SLACFuzzing (one function per
# target, never trapping on an input the code under test may reject), so they compile in every
# `swift build` and Tests/SLACFuzzTests replays the seed corpus and Tests/Fuzz/regressions/ through
# them in `swift test`. The libFuzzer binary is the executable target `slac-fuzz` (Fuzz/Entry, a
# `@_cdecl("LLVMFuzzerTestOneInput")` function and no `main`: libFuzzer supplies it). Package.swift
# declares that target only when SLAC_LIBFUZZER=1, so a plain `swift build` / `swift test` never
# tries to link an executable without `main`; this script sets the variable and builds with
# `swift build -c release --sanitize=fuzzer --scratch-path .build-fuzz` (gitignored), which
# instruments every module and links libFuzzer. This was chosen over compiling the entry file with
# `swiftc -sanitize=fuzzer` by hand because SwiftPM then links swift-crypto, zlib, libxml2 and
# libxslt itself; linking the object files and system libraries by hand would repeat Package.swift
# and break when it changes. One binary serves all targets (SLAC_FUZZ_TARGET picks one), so there
# is one build.
#
# CI (.ci/run: SLAC_FUZZ_BUDGET=300 scripts/fuzz.sh --ci 10). The fuzzer build from a clean clone
# is slow: it compiles every module and swift-crypto's BoringSSL in release mode with coverage
# instrumentation. Measured on the 2-core machine while two other developers' builds ran: 315 s
# (208 s of CPU) in the worktree, 265 s in a fresh clone, where the whole step of .ci/run took
# 294 s (3 s per target); an incremental build takes 4 s. The build alone can thus take most of a
# 5-minute step, so with a budget the build is given the whole budget and, when it does not finish
# in time, the fuzz step is skipped with a message (exit 0): the saved inputs and the seed corpus
# still run in `swift test` (Tests/SLACFuzzTests). When the build finishes, the remaining time is
# shared by the targets (at most SECONDS_PER_TARGET each, none when less than 3 s each remain).
#
# Every process here runs under `nice -n 19` (the machine is shared). Inputs that crash or hang go
# to Tests/Fuzz/regressions/<target>/ (libFuzzer -artifact_prefix); `swift test` replays them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="${SLAC_FUZZ_SCRATCH:-$root/.build-fuzz}"   # gitignored (.build-*/)
fuzzer="$scratch/release/slac-fuzz"
targets=(contract plan jsonl csv adapter stream zstd report)
timeout_s=10         # an input taking longer is a hang
rss_mb=2048          # a process above this is a memory blow-up

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

is_target() { local t; for t in "${targets[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }

# Longest input per target (4 KB; 8 KB for plans, reports and adapter documents): enough for
# several records, a header or clauses; short inputs keep executions fast, and contracts short
# enough that the known quadratic diagnostics on long lines (issue 15) do not show up as hangs.
max_len() { case "$1" in plan|report|adapter) echo 8192 ;; *) echo 4096 ;; esac; }

build() {
    local start=$SECONDS
    echo "== building the fuzzer (swift build -c release --sanitize=fuzzer, .build-fuzz)" >&2
    # -parse-as-library: the entry file has no top-level code (libFuzzer supplies `main`); passed here
    # because Package.swift has no unsafe flags. Every other module of the product is a library.
    SLAC_LIBFUZZER=1 nice -n 19 swift build --package-path "$root" -c release --sanitize=fuzzer \
        --scratch-path "$scratch" --product slac-fuzz -Xswiftc -parse-as-library >&2
    echo "== fuzzer built in $((SECONDS - start)) s" >&2
}

# The seed corpus of a target, from Tests/Fuzz/seeds.tsv, into $scratch/seeds/<target>.
seeds() {
    local target=$1 dir="$scratch/seeds/$1" n=0
    rm -rf "$dir"; mkdir -p "$dir"
    while IFS=$'\t' read -r t prefix folder suffix; do
        [ "$t" = "$target" ] || continue
        [ -d "$root/$folder" ] || continue
        while IFS= read -r -d '' file; do
            n=$((n + 1))
            local out="$dir/$n-$(basename "$file")"
            # Seeds are cut to 16 KB: libFuzzer reads at most max_len bytes of each anyway.
            if [ "$prefix" = "-" ]; then
                head -c 16384 "$file" > "$out"
            else
                { printf "\\x$prefix"; head -c 16384 "$file"; } > "$out"
            fi
        done < <(if [ "$suffix" = "-" ]; then find "$root/$folder" -type f ! -name '.*' -print0
                 else find "$root/$folder" -type f -name "*$suffix" -print0; fi)
    done < <(grep -v '^#' "$root/Tests/Fuzz/seeds.tsv")
    echo "$dir"
}

# fuzz TARGET SECONDS [FLAGS...]: the working corpus (.build-fuzz/corpus/<target>, where libFuzzer
# adds new inputs) first, then the seeds.
fuzz() {
    local target=$1 seconds=$2; shift 2
    local corpus="$scratch/corpus/$target" artifacts="$root/Tests/Fuzz/regressions/$target/"
    mkdir -p "$corpus" "$artifacts"
    local seed_dir; seed_dir=$(seeds "$target")
    echo "== fuzzing $target for ${seconds} s ($(ls "$seed_dir" | wc -l) seeds)" >&2
    # SWIFT_BACKTRACE=enable=no: the Swift runtime's backtracer would otherwise take the trap's
    # signal, and the process would end before libFuzzer's handler writes the input.
    SWIFT_BACKTRACE=enable=no SLAC_FUZZ_TARGET=$target nice -n 19 "$fuzzer" \
        -dict="$root/Tests/Fuzz/dictionaries/$target.dict" \
        -artifact_prefix="$artifacts" \
        -timeout=$timeout_s -rss_limit_mb=$rss_mb -max_len="$(max_len "$target")" \
        -max_total_time="$seconds" -print_final_stats=1 \
        "$@" "$corpus" "$seed_dir"
}

[ $# -ge 1 ] || usage
case "$1" in
    --list)
        for t in "${targets[@]}"; do printf '%-9s %s\n' "$t" "$(grep -A1 "case .$t:" "$root/Sources/SLACFuzzing/FuzzTarget.swift" | sed -n 's/.*case \.'"$t"': "\(.*\)"$/\1/p' | head -1)"; done
        ;;
    --build)
        build
        ;;
    --ci)
        [ $# -eq 2 ] || usage
        per_target=$2
        budget=${SLAC_FUZZ_BUDGET:-}
        if [ -n "$budget" ]; then
            export -f build
            export root scratch
            if ! timeout "$budget" bash -c build; then
                echo "fuzz: the fuzzer was not built within the budget of $budget s; fuzz step skipped (swift test replayed the saved inputs)" >&2
                exit 0
            fi
            left=$(( (budget - SECONDS - 10) / ${#targets[@]} ))
            [ "$left" -lt "$per_target" ] && per_target=$left
            if [ "$per_target" -lt 3 ]; then
                echo "fuzz: built in $SECONDS s, too little of the $budget s budget left; fuzz step skipped" >&2
                exit 0
            fi
        else
            build
        fi
        failed=()
        for t in "${targets[@]}"; do
            # A fixed seed: the same inputs on every run, so CI fails only when the code changed.
            fuzz "$t" "$per_target" -seed=1 || failed+=("$t")
        done
        if [ ${#failed[@]} -gt 0 ]; then
            echo "fuzz: crash or hang in: ${failed[*]} (inputs in Tests/Fuzz/regressions/<target>/)" >&2
        fi
        # The plain closing line: targets that ran without a crash or hang, and those that did not.
        echo "fuzz: $(( ${#targets[@]} - ${#failed[@]} )) passed, ${#failed[@]} failed"
        [ ${#failed[@]} -eq 0 ]
        ;;
    --replay)
        [ $# -ge 3 ] && is_target "$2" || usage
        build  # incremental: seconds when nothing changed
        t=$2; shift 2
        SWIFT_BACKTRACE=enable=no SLAC_FUZZ_TARGET=$t nice -n 19 "$fuzzer" -timeout=$timeout_s -rss_limit_mb=$rss_mb "$@"
        ;;
    *)
        [ $# -ge 2 ] && is_target "$1" || usage
        build  # incremental: seconds when nothing changed
        fuzz "$@"
        ;;
esac
