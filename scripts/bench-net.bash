# The `net` section of scripts/bench.sh (sourced by it, not run alone; docs/bench.md):
# the default digits network of `logq gen net` (shift-log2, 5 bits, FSRs from
# `logq eval --quick --bits 5 --hw`), images per second of co-simulation with every
# output checked against the integer model: the Verilator harness (sim/verilator/
# net_tb.cpp, +stall=0) and the generated Icarus bench (NAME_tb.v, gen net --stall 0),
# each the difference of a long and a short image set (start-up and file loading
# cancel), paired in each run with the C model: the integer network of eval --hw, as
# `gen net --vectors N` runs it to write the expected outputs (the same difference of
# two image counts). The Verilator runs repeat REPS times (one run of 450 images lasts
# milliseconds). Uses scripts/bench.sh's row, na, note, now, since, runs, quick, out,
# vl_dir, rebuild, LOGQ, BUILD.
net_long=$([ -n "$quick" ] && echo 20 || echo 450)
net_short=$([ -n "$quick" ] && echo 5 || echo 50)
net_reps=$([ -n "$quick" ] && echo 1 || echo 20)
nd=$out/net
net_data=$BUILD/data/digits.csv
net_ok=
note "net: the default gen net digits network ($net_long and $net_short test images)"
rm -rf "$nd"
mkdir -p "$nd"
if [ ! -f "$net_data" ]; then
    na net "gen net digits network" "no $net_data (make data)"
elif ! "$LOGQ" train --data "$net_data" -o "$nd/w.txt" >"$nd/train.log" 2>&1 ||
    ! "$LOGQ" eval --data "$net_data" --weights "$nd/w.txt" --quick --bits 5 --hw >"$nd/eval.txt" 2>&1; then
    na net "gen net digits network" "train or eval --hw failed: see $nd"
else
    net_gen() { # net_gen N DIR: the network and its vectors of N images
        "$LOGQ" gen net --weights "$nd/w.txt" --fsr-from "$nd/eval.txt" --data "$net_data" \
            --stall 0 --vectors "$1" -o "$2" >"$2.log" 2>&1
    }
    if net_gen "$net_long" "$nd/long" && net_gen "$net_short" "$nd/short"; then
        # the Verilator build, cached by the hash of its inputs: the RTL of NAME.f and
        # NAME.h without their comment lines (the headers name the output directory and
        # the image count; the RTL of both sets is the same), the harness, its script
        key=$( (cd "$nd/long" && grep -hv '^//' logq_net.h $(grep -v '^//' logq_net.f)) |
            cat - sim/verilator/net_tb.cpp sim/verilator/net_build.sh | md5sum | cut -d' ' -f1)
        nb=$vl_dir/net
        mkdir -p "$nb"
        if [ "$rebuild" = 0 ] && [ -x "$nb/net_tb" ] && [ "$(cat "$nb/key" 2>/dev/null)" = "$key" ]; then
            net_cached=1
        else
            net_cached=
            rm -f "$nb/key"
            t0=$(now)
            sim/verilator/net_build.sh "$nd/long" "$nb" >"$nd/vl_build.log" 2>&1 && echo "$key" >"$nb/key"
            t1=$(now)
            since "$t0" "$t1" >"$nb/build_secs"
        fi
        if [ -f "$nb/key" ]; then
            row build "verilator build net (gen net default)" s "$(cat "$nb/build_secs")" "" "" \
                "sim/verilator/net_build.sh${net_cached:+ (cached: time of the earlier build)}"
            net_ok=1
        else
            na net "gen net digits network" "verilator build failed: see $nd/vl_build.log"
        fi
    else
        na net "gen net digits network" "gen net failed: see $nd/long.log"
    fi
fi
if [ -n "$net_ok" ]; then
    for s in long short; do
        (cd "$nd/$s" && iverilog -g2005 -o tb -c logq_net.icarus.f logq_net_tb.v) >"$nd/$s.ivl" 2>&1 ||
            net_ok=
    done
    [ -n "$net_ok" ] || na net "gen net digits network" "iverilog failed: see $nd/long.ivl"
fi
if [ -n "$net_ok" ]; then
    # rate N_LONG N_SHORT T0 T1 T2: (N_LONG - N_SHORT) / ((T2 - T1) - (T1 - T0)), or
    # nothing when the difference is not positive (too small to measure)
    net_rate() {
        awk -v nl="$1" -v ns="$2" -v a="$3" -v b="$4" -v c="$5" \
            'BEGIN { t = (c - b) - (b - a); if (t > 0) printf "%.6g", (nl - ns) / t }'
    }
    net_pass() { grep -q '^PASSED' "$1" && grep -q " $2 images, 0 mismatches" "$1"; }
    # per row, the pairs of the runs in which both figures could be measured
    p_vc="" b_vc="" p_vi="" b_vi="" p_ic="" b_ic="" small=0 failed=
    note "net: $runs x (C model, Verilator $net_reps x, Icarus)"
    for r in $(seq "$runs"); do
        t0=$(now)
        net_gen "$net_short" "$nd/gs"
        t1=$(now)
        net_gen "$net_long" "$nd/gl"
        t2=$(now)
        cm=$(net_rate "$net_long" "$net_short" "$t0" "$t1" "$t2")
        t0=$(now)
        for k in $(seq "$net_reps"); do "$nb/net_tb" +vectors="$nd/short" +stall=0 >"$nd/vs.log" 2>&1; done
        t1=$(now)
        for k in $(seq "$net_reps"); do "$nb/net_tb" +vectors="$nd/long" +stall=0 >"$nd/vl.log" 2>&1; done
        t2=$(now)
        if ! net_pass "$nd/vs.log" "$net_short" || ! net_pass "$nd/vl.log" "$net_long"; then
            failed="verilator: $(tail -2 "$nd/vl.log" | tr '\n' ' ')"
            break
        fi
        vl=$(net_rate $((net_reps * net_long)) $((net_reps * net_short)) "$t0" "$t1" "$t2")
        t0=$(now)
        (cd "$nd/short" && vvp -n tb >run.log 2>&1)
        t1=$(now)
        (cd "$nd/long" && vvp -n tb >run.log 2>&1)
        t2=$(now)
        if ! net_pass "$nd/short/run.log" "$net_short" || ! net_pass "$nd/long/run.log" "$net_long"; then
            failed="icarus: $(tail -2 "$nd/long/run.log" | tr '\n' ' ')"
            break
        fi
        iv=$(net_rate "$net_long" "$net_short" "$t0" "$t1" "$t2")
        for x in "$cm" "$vl" "$iv"; do [ -n "$x" ] || small=$((small + 1)); done
        [ -n "$vl" ] && [ -n "$cm" ] && p_vc="$p_vc $vl" b_vc="$b_vc $cm"
        [ -n "$vl" ] && [ -n "$iv" ] && p_vi="$p_vi $vl" b_vi="$b_vi $iv"
        [ -n "$iv" ] && [ -n "$cm" ] && p_ic="$p_ic $iv" b_ic="$b_ic $cm"
    done
    small_txt=
    [ "$small" -gt 0 ] && small_txt="; $small figure(s) too small to measure"
    what="$net_long minus $net_short test images, stall 0"
    # net_row ITEM "values" BASELINE "baseline values" NOTE: a row, or n/a when no run
    # measured both
    net_row() {
        if [ -n "${2// /}" ]; then row net "$1" images/s "$2" "$3" "$4" "$5$small_txt"
        else na net "$1" "too small to measure: no run measured both figures ($what)"; fi
    }
    if [ -n "$failed" ]; then
        na net "gen net digits network" "a co-simulation failed: $failed"
    else
        net_row "verilator net: images/s vs the C model" "$p_vc" "C model (gen net's integer network)" "$b_vc" \
            "net_tb +stall=0, every output checked; $what; $net_reps runs per figure"
        net_row "verilator vs icarus net: images/s" "$p_vi" "icarus generated bench" "$b_vi" \
            "logq_net_tb.v (gen net --stall 0); $what"
        net_row "icarus net: images/s vs the C model" "$p_ic" "C model (gen net's integer network)" "$b_ic" "$what"
    fi
    # Instructions per image of the Verilator co-simulation (callgrind, the same
    # difference): repeatable where the wall-clock figures are not.
    if [ -z "$quick" ] && [ -z "$failed" ] && [ "${BENCH_CALLGRIND:-1}" != 0 ] && command -v valgrind >/dev/null; then
        net_ir() { # net_ir DIR: the instructions of one net_tb run
            valgrind --tool=callgrind --callgrind-out-file="$nd/cg.out" "$nb/net_tb" +vectors="$1" +stall=0 \
                >"$nd/cg.log" 2>"$nd/cg.err" || return 1
            sed -n 's/^summary: //p' "$nd/cg.out"
        }
        note "net: callgrind, instructions per image (Verilator)"
        if i1=$(net_ir "$nd/short") && i2=$(net_ir "$nd/long"); then
            per=$(awk -v a="$i1" -v b="$i2" -v nl="$net_long" -v ns="$net_short" \
                'BEGIN { printf "%.0f", (b - a) / (nl - ns) }')
            cyc=$(sed -n 's/^#define LOGQ_NET_PERIOD \([0-9]*\).*/\1/p' "$nd/long/logq_net.h")
            row callgrind "verilator net: instructions/image" Ir/image "$per" "" "" \
                "$what; $cyc cycles per image (LOGQ_NET_PERIOD)"
        else
            na callgrind "verilator net: instructions/image" "valgrind failed: see $nd/cg.err"
        fi
        rm -f "$nd/cg.out"
    fi
fi
