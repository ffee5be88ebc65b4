#!/usr/bin/env bash
# scripts/conv-study.sh [SEEDS] [DIR]: does log-sqrt(2) beat log2 on the conv network
# by more than the noise of 450 test images? (docs/eval.md, "Conv network: seeds")
# For every seed (default "1 2 3 4 5", the --seed of `logq train`; the split stays
# --split-seed 1) trains the perceptron and the conv network (`--arch conv`, the
# defaults otherwise), runs the full `logq eval` table of each (3, 4, 5 bits) and
# prints, per network, scheme and column, the mean test accuracy over the seeds and
# its min..max, then the paired difference logsqrt2 - log2 (same seed, same network).
# Accuracies are summed in hundredths of a point (exact). Every run's output is kept in DIR (default build/conv-study). LOGQ and DATA name
# the program and the digits CSV (defaults build/logq, build/data/digits.csv).
set -eu
seeds=${1:-1 2 3 4 5}
dir=${2:-build/conv-study}
LOGQ=${LOGQ:-build/logq}
DATA=${DATA:-build/data/digits.csv}
mkdir -p "$dir"
for s in $seeds; do
    for arch in mlp conv; do
        w=$dir/$arch-seed$s.txt
        "$LOGQ" train --data "$DATA" --arch $arch --seed "$s" -o "$w" >"$dir/$arch-seed$s.train"
        "$LOGQ" eval --data "$DATA" --weights "$w" >"$dir/$arch-seed$s.eval"
    done
done
echo "Test accuracy (%) over seeds $seeds (logq train --seed S; split seed 1, 450 test"
echo "images): mean (min..max). Rerun: scripts/conv-study.sh \"$seeds\""
for arch in mlp conv; do
    files=()
    for s in $seeds; do files+=("$dir/$arch-seed$s.eval"); done
    echo
    echo "$arch: float $(sed -n 's/^float test accuracy: \([0-9.]*\) %$/\1/p' "${files[@]}" | tr '\n' ' ')"
    echo
    # The header and rows of the first table of each eval output: scheme, then cells.
    awk -v arch="$arch" '
        FNR == 1 { tab = 0 }
        /^\| scheme \| W / { if (!hdr) hdr = $0; tab = 1; next }
        tab && /^\|---/ { next }
        tab && /^\| / {
            n = split($0, f, "|"); s = f[2]; gsub(/ /, "", s)
            if (!(s in seen)) { seen[s] = 1; order[++ns] = s }
            for (i = 3; i < n; i++) { v = int(f[i] * 100 + 0.5); c = i - 2; ncol = c
                k = s SUBSEP c; sum[k] += v; cnt[k]++
                if (!(k in mn) || v < mn[k]) mn[k] = v
                if (!(k in mx) || v > mx[k]) mx[k] = v
                val[s, c, FILENAME] = v }
            next }
        tab { tab = 0 }
        { files[FILENAME] = 1 }
        END {
            print hdr; printf "|---|"; for (c = 1; c <= ncol; c++) printf "---:|"; print ""
            for (r = 1; r <= ns; r++) { s = order[r]; if (s == "float") continue
                printf "| %s |", s
                for (c = 1; c <= ncol; c++) { k = s SUBSEP c
                    printf " %.2f (%.2f..%.2f) |", sum[k] / cnt[k] / 100, mn[k] / 100,
                        mx[k] / 100 }
                print "" }
            printf "| logsqrt2 - log2 |"
            for (c = 1; c <= ncol; c++) { t = 0; m = 0; lo = 1e9; hi = -1e9
                for (fn in files) { d = val["logsqrt2", c, fn] - val["log2", c, fn]
                    t += d; m++; if (d < lo) lo = d; if (d > hi) hi = d }
                printf " %+.2f (%+.2f..%+.2f) |", t / m / 100, lo / 100, hi / 100 }
            print "" }' "${files[@]}"
done
