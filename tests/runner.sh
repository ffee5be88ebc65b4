#!/usr/bin/env bash
# tests/run.sh itself, on small scripts of its own: counts, a script that exits
# non-zero without a FAIL line and one that prints nothing each count as a failure,
# the exit status, TEST_JOBS=2 (two scripts that each wait for the other pass only when
# they run at once), the order by the last run's times (longest first), the times file
# it leaves, and the refusal of a bad TEST_JOBS.
. "$(dirname "$0")/lib.sh"
d=$tmp/s
mkdir -p "$d"
# left.sh and right.sh: each touches its own name and waits up to 60 s for the other's
for p in "left right" "right left"; do
    set -- $p
    printf 'touch %s/%s\nfor i in $(seq 600); do [ -f %s/%s ] && { echo "PASS: %s met"; exit 0; }; sleep 0.1; done\necho "FAIL: %s alone"\n' \
        "$tmp" "$1" "$tmp" "$2" "$1" "$1" >"$d/$1.sh"
done
printf 'echo "PASS: mixed"\necho "FAIL: mixed"\n' >"$d/mixed.sh"
printf 'exit 3\n' >"$d/crash.sh"
printf 'true\n' >"$d/silent.sh"
run() { LOGQ_TEST_LOGS=$tmp/logs bash "$root/tests/run.sh" "$@" >"$tmp/out" 2>&1; }
order() { grep -E '^[a-z]+ +[0-9]+ passed' "$tmp/out" | awk '{ printf "%s ", $1 }'; }

TEST_JOBS=2 run "$d/left.sh" "$d/right.sh" "$d/mixed.sh" "$d/crash.sh" "$d/silent.sh"
rc=$?
if [ "$rc" -eq 1 ] && [ "$(tail -1 "$tmp/out")" = "3 passed, 3 failed" ]; then
    ok "runner: 3 passed, 3 failed, exit 1 (left and right met: two at a time)"
else bad "runner: counts or exit status (exit $rc): $(tail -1 "$tmp/out")"; cat "$tmp/out"; fi
if grep -q 'FAIL: crash (exit status 3 without a FAIL line)' "$tmp/out" &&
   grep -q 'FAIL: silent (ran no check: no PASS or FAIL line)' "$tmp/out"; then
    ok "runner: a crash and a silent script each fail, named"
else bad "runner: crash or silent script not reported"; cat "$tmp/out"; fi
if [ "$(awk '{ printf "%s ", $1 }' "$tmp/logs/times" | tr ' ' '\n' | sort | tr '\n' ' ')" = "crash left mixed right silent " ]; then
    ok "runner: the times file names every script"
else bad "runner: times file: $(cat "$tmp/logs/times")"; fi

# the order: the times file's, longest first; a script it does not name first of all
printf 'mixed 5\ncrash 9\nsilent 1\n' >"$tmp/logs/times"
TEST_JOBS=1 run "$d/silent.sh" "$d/mixed.sh" "$d/crash.sh"
o1=$(order)
rm -f "$tmp/logs/times"
printf 'mixed 5\nsilent 1\n' >"$tmp/logs/times"
TEST_JOBS=1 run "$d/silent.sh" "$d/mixed.sh" "$d/crash.sh"
o2=$(order)
if [ "$o1" = "crash mixed silent " ] && [ "$o2" = "crash mixed silent " ]; then
    ok "runner: longest first by the last run's times, an untimed script before them"
else bad "runner: order '$o1', '$o2'"; fi
if ! TEST_JOBS=x run "$d/mixed.sh" && grep -q 'TEST_JOBS=x is not a positive number' "$tmp/out"; then
    ok "runner: TEST_JOBS=x refused"
else bad "runner: TEST_JOBS=x not refused"; fi
