#!/usr/bin/env bash
# Run every libFuzzer target (one per tests/fuzz/*.c; a missing binary is a FAIL) briefly (FUZZ_SECONDS, default 10 each; longer under
# `make test-long`). A crash or sanitizer report fails the test; the reproducer is
# kept under build/fuzz/artifacts.
set -u
BUILD=${BUILD:-build}
secs=${FUZZ_SECONDS:-10}
[ -n "${LOGQ_LONG:-}" ] && secs=${FUZZ_SECONDS:-300}
mkdir -p "$BUILD/fuzz/artifacts"
for src in "$(dirname "$0")"/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    f=$BUILD/fuzz/$name
    if [ ! -x "$f" ]; then
        echo "FAIL: $name: $f is missing (make fuzz)"
        continue
    fi
    corpus="$BUILD/fuzz/corpus-$name"
    mkdir -p "$corpus"
    echo "running $name for ${secs}s (seed 1; rerun: $f -seed=1 -max_total_time=$secs $corpus)"
    if "$f" -seed=1 -max_total_time="$secs" -max_len=4096 \
        -artifact_prefix="$BUILD/fuzz/artifacts/$name-" "$corpus" >"$BUILD/fuzz/$name.log" 2>&1; then
        tail -2 "$BUILD/fuzz/$name.log"
        echo "PASS: $name"
    else
        tail -30 "$BUILD/fuzz/$name.log"
        echo "FAIL: $name (artifacts in $BUILD/fuzz/artifacts)"
    fi
done
