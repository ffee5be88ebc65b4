#!/usr/bin/env bash
# scripts/conv-study.sh [SEEDS] [DIR]: does log-sqrt(2) beat log2 on the conv network,
# and on its conv layer, by more than the noise of 450 test images? (docs/eval.md,
# "Conv network: log2 against log-sqrt(2) over seeds")
# For every seed (default "1 2 3 4 5": the --seed of `logq train`; the split stays
# --split-seed 1) trains the perceptron and the conv network (`--arch conv`, the
# defaults otherwise) and runs the full `logq eval` table of each (3, 4, 5 bits) twice:
# every layer quantized, and only layer 1 (`--layers 1`: the conv layer of the conv
# network, the first dense layer of the perceptron; the others in double). Prints per
# network and quantized layers the mean float accuracy, then for log2 and logsqrt2 per
# column the mean test accuracy over the seeds and its min..max, and the paired
# difference logsqrt2 - log2 (same seed, same cell). Accuracies are counted in test
# images (round(acc * 450 / 100)), so the means are exact. Every run's output stays in DIR (default
# build/conv-study); TABLE_ONLY=1 prints the tables from them without running anything.
# LOGQ and DATA name the program and the digits CSV (defaults build/logq,
# build/data/digits.csv).
set -eu
seeds=${1:-1 2 3 4 5}
dir=${2:-build/conv-study}
LOGQ=${LOGQ:-build/logq}
DATA=${DATA:-build/data/digits.csv}
mkdir -p "$dir"
for s in $seeds; do
    [ "${TABLE_ONLY:-0}" = 1 ] && break
    for arch in mlp conv; do
        w=$dir/$arch-seed$s.txt
        "$LOGQ" train --data "$DATA" --arch $arch --seed "$s" -o "$w" >"$dir/$arch-seed$s.train"
        "$LOGQ" eval --data "$DATA" --weights "$w" >"$dir/$arch-all-seed$s.eval"
        "$LOGQ" eval --data "$DATA" --weights "$w" --layers 1 >"$dir/$arch-l1-seed$s.eval"
    done
done
ntest=450
echo "Test accuracy (%) over seeds $seeds (logq train --seed S, split seed 1, 450 test"
echo "images): mean (min..max) per cell; the last row is the paired difference."
echo "Rerun: scripts/conv-study.sh \"$seeds\""
for run in conv-all conv-l1 mlp-all mlp-l1; do
    files=()
    for s in $seeds; do files+=("$dir/${run%-*}-${run#*-}-seed$s.eval"); done
    case $run in
    conv-all) what="conv network, every layer quantized" ;;
    conv-l1) what="conv network, only the conv layer quantized (--layers 1)" ;;
    mlp-all) what="perceptron, every layer quantized" ;;
    mlp-l1) what="perceptron, only the first dense layer quantized (--layers 1)" ;;
    esac
    echo
    echo "$what; float $(sed -n 's/^float test accuracy: \([0-9.]*\) %$/\1/p' "${files[@]}" |
        awk -v N=$ntest '{ t += int($1 * N / 100 + 0.5); n++ }
            END { printf "%.2f %% (mean)", 100 * t / n / N }')"
    echo
    # The first table of each eval output: its header, and the log2 and logsqrt2 rows.
    awk -v N=$ntest '
        FNR == 1 { tab = 0; nf++ }
        /^\| scheme \| W / { if (!hdr) hdr = $0; tab = 1; next }
        tab && /^\|---/ { next }
        tab && /^\| / {
            n = split($0, f, "|"); s = f[2]; gsub(/ /, "", s)
            if (s != "log2" && s != "logsqrt2") next
            for (i = 3; i < n; i++) { v = int(f[i] * N / 100 + 0.5); c = i - 2; ncol = c
                k = s SUBSEP c; sum[k] += v
                if (!(k in mn) || v < mn[k]) mn[k] = v
                if (!(k in mx) || v > mx[k]) mx[k] = v
                val[s, c, nf] = v }
            next }
        { tab = 0 }
        END {
            print hdr; printf "|---|"; for (c = 1; c <= ncol; c++) printf "---:|"; print ""
            split("log2 logsqrt2", rows, " ")
            for (r = 1; r <= 2; r++) { s = rows[r]; printf "| %s |", s
                for (c = 1; c <= ncol; c++) { k = s SUBSEP c
                    printf " %.2f (%.2f..%.2f) |", 100 * sum[k] / nf / N, 100 * mn[k] / N,
                        100 * mx[k] / N }
                print "" }
            printf "| logsqrt2 - log2 |"
            for (c = 1; c <= ncol; c++) { t = 0; lo = 1e9; hi = -1e9
                for (i = 1; i <= nf; i++) { d = val["logsqrt2", c, i] - val["log2", c, i]
                    t += d; if (d < lo) lo = d; if (d > hi) hi = d }
                printf " %+.2f (%+.2f..%+.2f) |", 100 * t / nf / N, 100 * lo / N, 100 * hi / N }
            print "" }' "${files[@]}"
done
