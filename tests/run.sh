#!/usr/bin/env bash
# The test runner: runs every test script given, each of which prints lines
# "PASS: name" or "FAIL: name". A script that exits non-zero without printing FAIL
# counts as one failure, and so does a script that printed neither. Ends with
# "N passed, N failed"; exits 1 on any failure.
#
# Scripts run TEST_JOBS at a time (default: the number of CPUs): each writes only its
# own private directory ($tmp, lib.sh) or a build directory no other script writes,
# and the binaries they share are built before the runner starts; a file that is new
# in the working directory at the end (outside the build tree) is one more failure. A script's line is
# printed when it ends. The longest scripts of the last run (their times are kept in
# the log directory) start first, so that no long one is left for the end.
set -u
log_dir=${LOGQ_TEST_LOGS:-build/test-logs}
jobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
case $jobs in '' | *[!0-9]* | 0) echo "run.sh: TEST_JOBS=$jobs is not a positive number" >&2; exit 2 ;; esac
mkdir -p "$log_dir"
times=$log_dir/times

# the order: by the last run's time, longest first (a fresh tree: tests/times.txt's,
# a copy of a full run's); scripts it did not time first of all, in the order given
prev=$times
[ -f "$prev" ] || prev=$(dirname "$0")/times.txt
[ -f "$prev" ] || prev=/dev/null
order=$(for t in "$@"; do
    s=$(awk -v n="$(basename "$t" .sh)" '$1 == n { s = $2 } END { print (s == "" ? 1e9 : s) }' \
        "$prev")
    printf '%s\t%s\n' "$s" "$t"
done | sort -s -t "$(printf '\t')" -k1,1gr | cut -f2)

# one script: its log, then a result file "passed failed seconds cpu-seconds" (written
# last, so that the runner reads it only when complete)
run_one() {
    local t=$1 name log start rc p f cpu
    name=$(basename "$t" .sh)
    log="$log_dir/$name.log"
    start=$(date +%s)
    bash "$t" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^PASS: ' "$log")
    f=$(grep -c '^FAIL: ' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL: $name (exit status $rc without a FAIL line)" >>"$log"
        f=1
    elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL: $name (ran no check: no PASS or FAIL line)" >>"$log"
        f=1
    fi
    # the CPU time of the script and everything it ran (this subshell's children)
    # (times in this shell: in a pipe or $(...) it would count a subshell's)
    times >"$log_dir/$name.times"
    cpu=$(awk 'END { n = 0; for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); n += 60 * t[1] + t[2] } printf "%.0f", n }' \
        "$log_dir/$name.times")
    rm -f "$log_dir/$name.times"
    echo "$p $f $(($(date +%s) - start)) $cpu" >"$log_dir/$name.result.tmp"
    mv "$log_dir/$name.result.tmp" "$log_dir/$name.result"
}

report() {
    local name=$1 p f s c log="$log_dir/$1.log"
    read -r p f s c <"$log_dir/$name.result"
    rm -f "$log_dir/$name.result"
    pass=$((pass + p))
    fail=$((fail + f))
    printf '%-28s %4d passed %4d failed  %4ds  (cpu %ds)\n' "$name" "$p" "$f" "$s" "$c"
    echo "$name $s" >>"$times.new"
    if [ "$f" -ne 0 ]; then
        grep -E '^FAIL: ' "$log" | head -20 | sed 's/^/    /'
        echo "    (log: $log)"
        tail -20 "$log" | sed 's/^/    | /'
    fi
}

# The files of the working directory outside the build and .git trees: a test writes
# only below its own directory, so none may be new at the end (a bench that dumps
# waves into the current directory, say).
# BUILD and the log directory may be given absolute (tests/lib.sh makes BUILD so, and
# tests/runner.sh runs this script under it): pruned relative to the working directory.
rel_dir() { local d=${1%/}; case $d in "$PWD"/*) echo "./${d#"$PWD"/}" ;; /*) echo "$d" ;; *) echo "./$d" ;; esac; }
prune_build=$(rel_dir "${BUILD:-build}")
prune_logs=$(rel_dir "$log_dir")
tree_files() { find . \( -path "$prune_build" -o -path ./.git -o -path "$prune_logs" \) -prune -o -type f -print | LC_ALL=C sort; }
tree_before=$(tree_files)

pass=0
fail=0
: >"$times.new"
running=()
start=$(date +%s)
for t in $order; do
    rm -f "$log_dir/$(basename "$t" .sh).result"
    while :; do
        left=()
        for n in "${running[@]}"; do
            if [ -f "$log_dir/$n.result" ]; then report "$n"; else left+=("$n"); fi
        done
        running=("${left[@]}")
        [ "${#running[@]}" -lt "$jobs" ] && break
        wait -n
    done
    run_one "$t" &
    running+=("$(basename "$t" .sh)")
done
wait
for n in "${running[@]}"; do report "$n"; done
left_behind=$(LC_ALL=C comm -13 <(printf '%s\n' "$tree_before") <(tree_files))
if [ -n "$left_behind" ]; then
    fail=$((fail + 1))
    echo "FAIL: the tests left files in the working directory $(pwd):"
    printf '%s\n' "$left_behind" | head -10 | sed 's/^/    /'
fi
# the times of this run join those of earlier runs not in it (test-long's scripts)
if [ -f "$times" ]; then awk 'NR == FNR { seen[$1] = 1; print; next } !($1 in seen)' \
    "$times.new" "$times" >"$times.tmp" && mv "$times.tmp" "$times.new"; fi
mv "$times.new" "$times"
echo "($# scripts, $jobs at a time, $(($(date +%s) - start)) s; TEST_JOBS=1 runs one at a time)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
