#!/usr/bin/env bash
# C unit tests of the model, plain and under ASan+UBSan: one binary per
# tests/unit/test_*.c in each build; a missing binary is a FAIL.
set -u
BUILD=${BUILD:-build}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
here=$(dirname "$0")
for src in "$here"/unit/test_*.c; do
    name=$(basename "$src" .c)
    for t in "$BUILD/tests/$name:" "$BUILD/asan/tests/$name:asan:"; do
        bin=${t%%:*} prefix=${t#*:}
        if [ ! -x "$bin" ]; then
            echo "FAIL: $prefix$name: $bin is missing (make $bin)"
            continue
        fi
        "$bin" "$prefix" || echo "FAIL: $prefix$name exited non-zero"
    done
done
