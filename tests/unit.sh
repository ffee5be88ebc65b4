#!/usr/bin/env bash
# C unit tests of the model, plain and under ASan+UBSan.
set -u
BUILD=${BUILD:-build}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    "$t" "" || echo "FAIL: $name exited non-zero"
    "$BUILD/asan/tests/$name" "asan:" || echo "FAIL: asan:$name exited non-zero"
done
