#!/usr/bin/env bash
# tests/blocks.sh again, against the ASan+UBSan build of logq (leaks on the refusal
# paths included).
BUILD=${BUILD:-build}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1
LOGQ=$BUILD/asan/logq PREFIX="asan: " exec bash "$(dirname "$0")/blocks.sh"
