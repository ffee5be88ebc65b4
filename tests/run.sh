#!/usr/bin/env bash
# The test runner: runs every test script given, each of which prints lines
# "PASS: name" or "FAIL: name". A script that exits non-zero without printing FAIL
# counts as one failure, and so does a script that printed neither. Ends with
# "N passed, N failed"; exits 1 on any failure.
set -u
pass=0
fail=0
log_dir=${LOGQ_TEST_LOGS:-build/test-logs}
mkdir -p "$log_dir"
for t in "$@"; do
    name=$(basename "$t" .sh)
    log="$log_dir/$name.log"
    start=$(date +%s)
    bash "$t" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^PASS: ' "$log")
    f=$(grep -c '^FAIL: ' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL: $name (exit status $rc without a FAIL line)" | tee -a "$log"
        f=1
    elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL: $name (ran no check: no PASS or FAIL line)" | tee -a "$log"
        f=1
    fi
    pass=$((pass + p))
    fail=$((fail + f))
    printf '%-28s %4d passed %4d failed  %4ds\n' "$name" "$p" "$f" $(( $(date +%s) - start ))
    if [ "$f" -ne 0 ]; then
        grep -E '^FAIL: ' "$log" | head -20 | sed 's/^/    /'
        echo "    (log: $log)"
        tail -20 "$log" | sed 's/^/    | /'
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
