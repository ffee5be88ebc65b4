#!/usr/bin/env bash
# tests/import.sh and tests/export.sh again, against the ASan+UBSan build of logq: the
# NumPy readers, the data loaders and the writers on good and malformed files.
BUILD=${BUILD:-build}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1
export LOGQ=$BUILD/asan/logq PREFIX="asan: "
bash "$(dirname "$0")/import.sh"
bash "$(dirname "$0")/export.sh"
