#!/usr/bin/env bash
# The command-line tests again, against the ASan+UBSan build of logq.
BUILD=${BUILD:-build}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1
LOGQ=$BUILD/asan/logq PREFIX="asan: " exec bash "$(dirname "$0")/cli.sh"
