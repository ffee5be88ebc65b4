#!/usr/bin/env bash
# make bench: co-simulation, C-model and generator speed, each figure a median over
# several runs (with min and max), each timing paired with its baseline in the same
# run (docs/bench.md). Prints one table and writes $BENCH_DIR/bench.csv and bench.md.
#
# Environment:
#   BUILD, LOGQ     as for the tests (build, build/logq)
#   BENCH_QUICK=1   one run each, tiny counts, 1 and 4 lanes only (make test)
#   BENCH_RUNS=R    runs per figure (default 5; 1 when quick)
#   BENCH_DIR=DIR   output directory (default $BUILD/bench)
#   BENCH_REBUILD=0 reuse Verilator builds whose inputs did not change (the default
#                   when quick; a full bench rebuilds to measure the build times)
#   BENCH_SEED=S    seed of every stimulus (default 1)
#   BENCH_VL_DIR=D  Verilator builds (default $BUILD/bench/vl, shared by both modes)
# Needs build/logq, build/liblogq.a and $BUILD/bench/bench_model{,_O0} (make bench
# builds them). A benchmark never fails: a step that cannot run gives "n/a" with the
# reason, and the script exits 0 unless its own inputs are missing.
# The whole script is one compound command, read before it runs: editing this file
# while a bench runs does not disturb it.
{
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$root/$BUILD ;; esac
LOGQ=${LOGQ:-$BUILD/logq}
case $LOGQ in /*) ;; *) LOGQ=$root/$LOGQ ;; esac
quick=${BENCH_QUICK:-}
[ "$quick" = 0 ] && quick=
out=${BENCH_DIR:-$BUILD/bench}
case $out in /*) ;; *) out=$root/$out ;; esac
seed=${BENCH_SEED:-1}
vl_dir=${BENCH_VL_DIR:-$BUILD/bench/vl}
case $vl_dir in /*) ;; *) vl_dir=$root/$vl_dir ;; esac
model_bin=$BUILD/bench/bench_model
model_bin_o0=$BUILD/bench/bench_model_O0
if [ -n "$quick" ]; then
    runs=${BENCH_RUNS:-1}
    rebuild=${BENCH_REBUILD:-0}
    scale_lanes="1 4"
    gen_lanes="1 4"
    cosim_lanes=4
else
    runs=${BENCH_RUNS:-5}
    rebuild=${BENCH_REBUILD:-1}
    scale_lanes="1 4 16 64 256"
    gen_lanes="1 16 256"
    cosim_lanes=16
fi
for f in "$LOGQ" "$BUILD/liblogq.a" "$model_bin" "$model_bin_o0"; do
    if [ ! -x "$f" ] && [ ! -f "$f" ]; then
        echo "bench: $f is missing (run make bench)" >&2
        exit 2
    fi
done
mkdir -p "$out"
csv=$out/bench.csv
log=$out/bench.log
: >"$log"
t_start=$(date +%s)

now() { date +%s.%N; }
# seconds between two `now` stamps
since() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", b - a }'; }
note() { echo "bench: $*" | tee -a "$log" >&2; }

# stats "v1 v2 ...": median min max (n/a for an empty list)
stats() {
    echo "$1" | tr ' ' '\n' | grep -E '^[0-9.eE+-]+$' | sort -g |
        awk '{ v[NR] = $1 } END {
            if (NR == 0) { print "n/a n/a n/a"; exit }
            m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.6g %.6g %.6g\n", m, v[1], v[NR] }'
}
# ratios "v1 v2 ..." "b1 b2 ...": v_i / b_i, paired run by run
ratios() {
    awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ")
        for (i = 1; i <= n; i++) if (y[i] + 0 > 0 && x[i] != "") printf "%.6g ", x[i] / y[i] }'
}

echo "section,item,unit,median,min,max,runs,baseline,baseline_median,ratio_median,ratio_min,ratio_max,note" >"$csv"
# row SECTION ITEM UNIT "values" [BASELINE "baseline values" [NOTE]]
row() {
    local sec=$1 item=$2 unit=$3 vals=$4 base=${5:-} bvals=${6:-} nt=${7:-} s bs rs n
    local m lo hi bm rm rlo rhi
    s=$(stats "$vals")
    n=$(echo "$vals" | wc -w)
    if [ -n "$base" ] && [ -n "$bvals" ]; then
        bs=$(stats "$bvals")
        rs=$(stats "$(ratios "$vals" "$bvals")")
    else
        bs="n/a n/a n/a"
        rs="n/a n/a n/a"
        [ -n "$base" ] || base="-"
    fi
    read -r m lo hi <<<"$s"
    read -r bm _ _ <<<"$bs"
    read -r rm rlo rhi <<<"$rs"
    echo "$sec,${item//,/;},$unit,$m,$lo,$hi,$n,${base//,/;},$bm,$rm,$rlo,$rhi,${nt//,/;}" >>"$csv"
}
# na SECTION ITEM REASON: a row that could not be measured
na() { echo "$1,${2//,/;},-,n/a,n/a,n/a,0,-,n/a,n/a,n/a,n/a,${3//,/;}" >>"$csv"; }

# A figure from a mac_tb log: beats/s, or cycles/s (= beats/s * cycles / beats).
tb_rate() { grep -o '[0-9.]* beats/s' "$1" | tail -1 | cut -d' ' -f1; }
tb_cycle_rate() {
    sed -n 's/^mac_tb: \([0-9]*\) beats, [0-9]* vectors, \([0-9]*\) cycles, .*, \([0-9.]*\) beats\/s.*/\1 \2 \3/p' "$1" |
        tail -1 | awk '$1 > 0 { printf "%.6g", $3 * $2 / $1 }'
}
# beats per co-simulation run: about a second of Verilator time with the check on
tb_beats() {
    local n=$1
    if [ -n "$quick" ]; then echo $((4000 / n + 1000)); return; fi
    awk -v n="$n" 'BEGIN { b = 8000000 / n; if (b > 2000000) b = 2000000; if (b < 20000) b = 20000; printf "%d", b }'
}

# ---- Verilator builds (cached by the hash of their inputs) ----
# vl_build TAG LANES KIND [trace]: prints the build directory; sets vl_secs (the build's
# wall time, measured now or when it was cached) and vl_cached.
vl_build() {
    local tag=$1 lanes=$2 kind=$3 trace=${4:-} d key t0 t1 rc script=sim/verilator/mac_build.sh
    local src=sim/verilator/mac_tb.cpp exe=mac_tb
    if [ "$kind" = systemc ]; then
        script=sim/systemc/build.sh src=sim/systemc/sc_main.cpp exe=mac_sc
    fi
    d=$vl_dir/$tag
    vl_exe=$d/sim/$exe
    vl_why=
    mkdir -p "$d"
    (cd "$d" && rm -rf rtl.new && "$LOGQ" gen mac --lanes "$lanes" -o rtl.new >gen.log 2>&1) || {
        vl_why="gen mac --lanes $lanes failed"
        note "$vl_why: $(cat "$d/gen.log")"
        return 1
    }
    key=$(cat "$d"/rtl.new/* "$src" "$script" "$BUILD/liblogq.a" |
        md5sum | cut -d' ' -f1)-$kind-$trace
    vl_cached=
    if [ "$rebuild" = 0 ] && [ -x "$vl_exe" ] && [ -f "$d/key" ] && [ "$(cat "$d/key")" = "$key" ]; then
        rm -rf "$d/rtl.new"
        vl_secs=$(cat "$d/build_secs")
        vl_cached=1
        return 0
    fi
    rm -rf "$d/rtl" "$d/sim" "$d/key"
    mv "$d/rtl.new" "$d/rtl"
    t0=$(now)
    if [ "$kind" = systemc ]; then
        BUILD=$BUILD "$script" "$d/rtl" "$d/sim" >"$d/build.out" 2>&1
    else
        BUILD=$BUILD "$script" "$d/rtl" "$d/sim" "$kind" $trace >"$d/build.out" 2>&1
    fi
    rc=$?
    if [ $rc -ne 0 ]; then
        vl_why="build failed (exit $rc): $(tail -1 "$d/build.out")"
        note "build $tag: $vl_why"
        return 1
    fi
    t1=$(now)
    vl_secs=$(since "$t0" "$t1")
    echo "$vl_secs" >"$d/build_secs"
    echo "$key" >"$d/key"
    return 0
}

# ---- machine ----
load0=$(cut -d' ' -f1 /proc/loadavg)
note "$(nproc) cores, load average $load0, $runs run(s) per figure${quick:+, quick mode}; seed $seed"
note "rerun: BENCH_QUICK=${quick:-0} BENCH_RUNS=$runs BENCH_SEED=$seed make bench"

# ---- scaling (and the builds the co-simulation section reuses) ----
declare -A built
for n in $scale_lanes; do
    note "verilator build, $n lane(s) (-O3, --x-assign fast, untraced)"
    if vl_build "n$n-fast" "$n" fast; then
        built[$n]=$vl_dir/n$n-fast/sim/mac_tb
        row build "verilator build $n lanes (fast)" s "$vl_secs" "" "" \
            "one build${vl_cached:+ (cached: time of the earlier build)}; -j 2"
    else
        na build "verilator build $n lanes (fast)" "build failed: see $log"
    fi
done

for n in $scale_lanes; do
    tb=${built[$n]:-}
    if [ -z "$tb" ]; then
        na scaling "cosim $n lanes" "no build"
        continue
    fi
    b=$(tb_beats "$n")
    on="" off="" cyc=""
    note "co-simulation, $n lane(s): $runs x ($b beats with the model check, then without)"
    for r in $(seq "$runs"); do
        "$tb" +seed="$seed" +beats="$b" +stall=0 >"$out/run.log" 2>&1
        on="$on $(tb_rate "$out/run.log")"
        cyc="$cyc $(tb_cycle_rate "$out/run.log")"
        "$tb" +seed="$seed" +beats="$b" +stall=0 +nocheck >"$out/run.log" 2>&1
        off="$off $(tb_rate "$out/run.log")"
    done
    row scaling "cosim $n lanes: beats/s (check on)" beats/s "$on" "check off" "$off" "$b beats; stall 0"
    row scaling "cosim $n lanes: cycles/s (check on)" cycles/s "$cyc"
    lb=$(for x in $on; do awk -v x="$x" -v n="$n" 'BEGIN { printf "%.6g ", x * n }'; done)
    row scaling "cosim $n lanes: lane-beats/s (check on)" lane-MACs/s "$lb"
done

# ---- co-simulation of the default array ----
tb=${built[$cosim_lanes]:-}
if [ -n "$tb" ]; then
    d=$vl_dir/n$cosim_lanes-fast
    ib=$out/icarus/n$cosim_lanes
    mkdir -p "$ib"
    b=$(tb_beats "$cosim_lanes")
    ibeats=$([ -n "$quick" ] && echo 500 || echo 20000)
    nvec_file=2048
    hdr=$d/rtl/logq_mac.h
    hv() { sed -n "s/^#define LOGQ_MAC_$1 \([0-9]*\).*/\1/p" "$hdr"; }
    ivok=
    if (cd "$ib" && "$model_bin" vectors --lanes "$cosim_lanes" --beats $nvec_file --seed "$seed" \
        --out-bits "$(hv OUT_BITS)" -o . >vectors.log 2>&1); then
        nv=$(wc -l <"$ib/exp.hex")
        t0=$(now)
        if iverilog -g2005 -gstrict-expr-width -Wall -o "$ib/tb.vvp" \
            -Pmac_icarus_tb.LANES="$(hv LANES)" -Pmac_icarus_tb.A_BITS="$(hv A_BITS)" \
            -Pmac_icarus_tb.W_BITS="$(hv W_BITS)" -Pmac_icarus_tb.OUT_BITS="$(hv OUT_BITS)" \
            -Pmac_icarus_tb.NBEATS=$nvec_file -Pmac_icarus_tb.NVEC="$nv" \
            tests/bench/mac_icarus_tb.v "$d/rtl/logq_mac.v" \
            >"$ib/iverilog.log" 2>&1; then
            t1=$(now)
            row build "icarus compile $cosim_lanes lanes" s "$(since "$t0" "$t1")"
            ivok=1
        else
            note "iverilog failed: $(head -3 "$ib/iverilog.log")"
        fi
    else
        note "bench_model vectors failed: $(cat "$ib/vectors.log")"
    fi
    on="" off="" iv="" ivz="" iv_small=0
    note "co-simulation of the default array ($cosim_lanes lanes): $runs x (Verilator $b beats check on / off, Icarus $ibeats beats)"
    for r in $(seq "$runs"); do
        "$tb" +seed="$seed" +beats="$b" +stall=0 >"$out/run.log" 2>&1
        on="$on $(tb_rate "$out/run.log")"
        "$tb" +seed="$seed" +beats="$b" +stall=0 +nocheck >"$out/run.log" 2>&1
        off="$off $(tb_rate "$out/run.log")"
        if [ -n "$ivok" ]; then
            # Icarus: wall time of the run minus that of a zero-beat run (start-up, $readmemh)
            t0=$(now)
            (cd "$ib" && vvp -n tb.vvp +beats=0 >/dev/null 2>&1)
            t1=$(now)
            (cd "$ib" && vvp -n tb.vvp +beats=$ibeats >run.log 2>&1)
            t2=$(now)
            got=$(sed -n 's/^icarus_bench: \([0-9]*\) beats, .* \([0-9]*\) errors$/\1 \2/p' "$ib/run.log")
            if [ -n "$got" ] && [ "${got#* }" = 0 ]; then
                # a run no longer than its zero-beat pair is too short to measure: counted,
                # not turned into a figure
                r1=$(awk -v n="${got% *}" -v a="$t0" -v b="$t1" -v c="$t2" \
                    'BEGIN { t = (c - b) - (b - a); if (t > 0) printf "%.6g", n / t }')
                [ -n "$r1" ] || iv_small=$((iv_small + 1))
                iv="$iv $r1"
                ivz="$ivz $(since "$t0" "$t1")"
            else
                note "icarus run failed: $(head -3 "$ib/run.log")"
                ivok=
            fi
        fi
    done
    row cosim "verilator $cosim_lanes lanes: check on vs check off" beats/s "$on" "verilator check off" "$off" \
        "mac_tb +stall=0; $b beats"
    small_note=
    [ "$iv_small" -gt 0 ] && small_note="; $iv_small run(s) too small to measure (no longer than the 0-beat run)"
    if [ -n "${iv// /}" ]; then
        row cosim "verilator $cosim_lanes lanes: check on vs icarus" beats/s "$on" "icarus (C-model vectors; checked)" "$iv" \
            "icarus: tests/bench/mac_icarus_tb.v replaying $nvec_file C-model beats; $ibeats beats minus a 0-beat run$small_note"
        row cosim "icarus $cosim_lanes lanes (checked in bench)" beats/s "$iv" "" "" "${small_note#; }"
        row cosim "icarus start-up + \$readmemh" s "$ivz"
    elif [ "$iv_small" -gt 0 ]; then
        na cosim "verilator $cosim_lanes lanes: check on vs icarus" \
            "too small to measure: every $ibeats-beat Icarus run took no longer than its 0-beat run"
        na cosim "icarus $cosim_lanes lanes (checked in bench)" "too small to measure"
        row cosim "icarus start-up + \$readmemh" s "$ivz"
    else
        na cosim "verilator $cosim_lanes lanes: check on vs icarus" "icarus bench did not run: see $log"
    fi
else
    na cosim "verilator $cosim_lanes lanes" "no Verilator build"
fi

# ---- the generated RTL under its generated Icarus bench ----
# `logq gen mac --lanes N` and `logq vectors mac --lanes N --stall 0` (the bench of
# docs/xsim.md: gen/emit/tb_icarus.c), N = 8 (4 when quick). The bench runs every vector
# of its files, so cycles/s is the difference of a long and a short vector set (start-up
# cancels; $readmemh of the files, about 4 k instructions a line, grows with them and is
# counted, as in a user's run); paired with the Verilator harness of the same array (cycles/s,
# check on, stall 0). A difference that is not positive is too small to measure.
ilanes=$([ -n "$quick" ] && echo 4 || echo 8)
ivec_long=$([ -n "$quick" ] && echo 60 || echo 2000)
ivec_short=$([ -n "$quick" ] && echo 10 || echo 100)
gi=$out/icarus-gen/n$ilanes
note "icarus: generated $ilanes-lane RTL under its generated bench ($ivec_long and $ivec_short vectors)"
gen_ok=
if [ -n "${built[$ilanes]:-}" ] || vl_build "n$ilanes-fast" "$ilanes" fast; then
    [ -n "${built[$ilanes]:-}" ] || built[$ilanes]=$vl_dir/n$ilanes-fast/sim/mac_tb
    rm -rf "$gi"
    mkdir -p "$gi"
    if "$LOGQ" gen mac --lanes "$ilanes" -o "$gi/rtl" >"$gi/gen.log" 2>&1 &&
        "$LOGQ" vectors mac --lanes "$ilanes" --stall 0 --count "$ivec_long" -o "$gi/long" >>"$gi/gen.log" 2>&1 &&
        "$LOGQ" vectors mac --lanes "$ilanes" --stall 0 --count "$ivec_short" -o "$gi/short" >>"$gi/gen.log" 2>&1 &&
        sim/icarus/run.sh "$gi/rtl" "$gi/short" >"$gi/short.log" 2>&1; then
        gen_ok=1
    else
        note "generated Icarus bench failed: $(tail -3 "$gi/gen.log" "$gi/short.log" 2>/dev/null | tr '\n' ' ')"
    fi
fi
if [ -n "$gen_ok" ]; then
    icyc() { sed -n 's/^logq_mac_tb: [0-9]* beats, [0-9]* outputs checked, \([0-9]*\) cycles$/\1/p' "$1"; }
    gl="" gv="" small=0
    b=$(tb_beats "$ilanes")
    for r in $(seq "$runs"); do
        t0=$(now)
        sim/icarus/run.sh "$gi/rtl" "$gi/short" >"$gi/short.log" 2>&1
        t1=$(now)
        sim/icarus/run.sh "$gi/rtl" "$gi/long" >"$gi/long.log" 2>&1
        t2=$(now)
        c1=$(icyc "$gi/short.log") c2=$(icyc "$gi/long.log")
        if ! grep -q '^PASSED' "$gi/long.log" || [ -z "$c1" ] || [ -z "$c2" ]; then
            note "generated Icarus bench failed: $(tail -2 "$gi/long.log" | tr '\n' ' ')"
            gl=
            break
        fi
        x=$(awk -v a="$t0" -v b="$t1" -v c="$t2" -v n1="$c1" -v n2="$c2" \
            'BEGIN { t = (c - b) - (b - a); if (t > 0 && n2 > n1) printf "%.6g", (n2 - n1) / t }')
        [ -n "$x" ] || small=$((small + 1))
        gl="$gl $x"
        "${built[$ilanes]}" +seed="$seed" +beats="$b" +stall=0 >"$out/run.log" 2>&1
        gv="$gv $(tb_cycle_rate "$out/run.log")"
    done
    small_txt=
    [ "$small" -gt 0 ] && small_txt="; $small run(s) too small to measure"
    if [ -n "${gl// /}" ]; then
        row icarus "icarus $ilanes lanes: generated RTL + generated bench" cycles/s "$gl" "" "" \
            "logq vectors mac --stall 0: $ivec_long minus $ivec_short vectors ($c2 - $c1 cycles)$small_txt"
        row icarus "verilator vs icarus $ilanes lanes (generated bench)" cycles/s "$gv" \
            "icarus generated bench" "$gl" "mac_tb check on, stall 0, $b beats"
    elif [ "$small" -gt 0 ]; then
        na icarus "icarus $ilanes lanes: generated RTL + generated bench" "too small to measure: the long run took no longer than the short one"
        na icarus "verilator vs icarus $ilanes lanes (generated bench)" "too small to measure"
    else
        na icarus "icarus $ilanes lanes: generated RTL + generated bench" "the generated bench failed: see $gi"
    fi
else
    na icarus "icarus $ilanes lanes: generated RTL + generated bench" "no build or no vectors: see $log"
fi

# ---- the network accelerator of gen net (scripts/bench-net.bash) ----
. "$root/scripts/bench-net.bash"

# ---- SystemC harness against the Verilator C++ harness ----
# Both check every output against the C model, at full rate. sim/systemc/build.sh
# builds -O1 with --x-assign/--x-initial unique; the C++ harness is paired both with
# its fast build (the one the co-simulation rows use) and, in full mode, with its
# check build (the same optimization flags as the SystemC build).
check_exe=
if [ ! -f sim/systemc/sc_main.cpp ] || [ ! -x sim/systemc/build.sh ]; then
    na systemc "systemc vs verilator C++ harness" "n/a (no SystemC harness yet)"
elif [ -z "${built[$cosim_lanes]:-}" ]; then
    na systemc "systemc vs verilator C++ harness" "no Verilator C++ harness build"
else
    note "SystemC harness, $cosim_lanes lanes (sim/systemc/build.sh)"
    if vl_build "n$cosim_lanes-systemc" "$cosim_lanes" systemc; then
        sc=$vl_exe
        row build "systemc build $cosim_lanes lanes (-O1 + x unique)" s "$vl_secs" "" "" \
            "one build${vl_cached:+ (cached: time of the earlier build)}; -j 2"
        if [ -z "$quick" ] && vl_build "n$cosim_lanes-check" "$cosim_lanes" check; then
            check_exe=$vl_exe
            check_secs=$vl_secs
        fi
        b=$(tb_beats "$cosim_lanes")
        sb=$((b / 5))
        [ $sb -lt 5000 ] && sb=5000
        scr="" cpp="" cppc=""
        note "SystemC: $runs x ($sb beats SystemC, $b beats C++ harness)"
        for r in $(seq "$runs"); do
            "$sc" +seed="$seed" +beats="$sb" +stall=0 >"$out/run.log" 2>&1
            # beats/s = (cycles/s) * beats / cycles: the printed cycles/s keeps full precision
            scr="$scr $(sed -n 's/^sc_main: \([0-9]*\) beats, .* \([0-9]*\) cycles, .* s, \([0-9.]*\) cycles\/s.*/\1 \2 \3/p' \
                "$out/run.log" | awk '$2 > 0 { printf "%.6g", $3 * $1 / $2 }')"
            "${built[$cosim_lanes]}" +seed="$seed" +beats="$b" +stall=0 >"$out/run.log" 2>&1
            cpp="$cpp $(tb_rate "$out/run.log")"
            if [ -n "$check_exe" ]; then
                "$check_exe" +seed="$seed" +beats="$b" +stall=0 >"$out/run.log" 2>&1
                cppc="$cppc $(tb_rate "$out/run.log")"
            fi
        done
        row systemc "systemc $cosim_lanes lanes vs verilator C++ harness (fast build)" beats/s "$scr" \
            "C++ harness fast (-O3 + x fast)" "$cpp" "model check on in both; stall 0; systemc $sb beats"
        [ -n "$cppc" ] &&
            row systemc "systemc $cosim_lanes lanes vs verilator C++ harness (same flags)" beats/s "$scr" \
                "C++ harness check (-O1 + x unique)" "$cppc" "model check on in both; stall 0"
    else
        na systemc "systemc vs verilator C++ harness" "systemc: $vl_why"
    fi
fi

# ---- C model ----
# The items of bench_model (tests/bench/bench_model.c): every MAC mode and base in its
# default configuration, the log-domain dot product and the SLQ successive MAC (each
# as built, and on its general path: the -general items; logdot-scalar: logdot's scalar
# fast path, where it is built on its SIMD path; logdot-step: logdot a call per beat
# (lq_logdot_step) instead of a call per vector (lq_logdot_steps); slq-step the same of
# slq (lq_slqmac_step_fast, lq_slqmac_steps_fast); shift-avx2 and loglog-sqrt2-avx2: the
# MAC by its AVX2 kernels, as a CPU without AVX-512F runs it, n/a on a CPU without AVX2;
# the note names the path and the kernel).
model_items=$("$model_bin" items)
macs=$([ -n "$quick" ] && echo 200000 || echo 20000000)
note "C model: $runs run(s) of $macs lane-MACs per model, each followed by the float dot product"
"$model_bin" model --runs "$runs" --macs "$macs" --seed "$seed" >"$out/model.log" 2>&1
"$model_bin_o0" model --runs "$runs" --macs "$((macs / 4))" --seed "$seed" >"$out/model_O0.log" 2>&1
for m in $model_items; do
    v=$(awk -v m="$m" '$1 == "RUN" && $2 == m { printf "%s ", $3 }' "$out/model.log")
    f=$(awk -v m="$m" '$1 == "RUN" && $2 == m { printf "%s ", $4 }' "$out/model.log")
    nt=$(awk -v m="$m" '$1 == "RUN" && $2 == m { $1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); t = $0 } END { print t }' "$out/model.log")
    why=$(awk -v m="$m" '$1 == "NA" && $2 == m { $1 = $2 = ""; sub(/^ +/, ""); print; exit }' "$out/model.log")
    if [ -n "$v" ]; then
        row model "C model $m (-O2)" lane-MACs/s "$v" "float dot product (-O2)" "$f" "$nt"
    elif [ -n "$why" ]; then
        na model "C model $m (-O2)" "$why"
        na model "C model $m built -O0 vs -O2" "$why"
    else
        na model "C model $m" "bench_model failed: see $out/model.log"
    fi
    v0=$(awk -v m="$m" '$1 == "RUN" && $2 == m { printf "%s ", $3 }' "$out/model_O0.log")
    [ -n "$v0" ] && [ -n "$v" ] &&
        row model "C model $m built -O0 vs -O2" lane-MACs/s "$v0" "the -O2 build" "$v" \
            "library and driver compiled -O0 (runs of different processes; paired by index)"
done

# ---- generator ----
# Each run times G invocations in a row (to fresh directories) and divides, so the
# millisecond figures are not lost in the clock's own cost; paired with G runs of
# `logq --version`: the cost of starting the process at all.
G=$([ -n "$quick" ] && echo 2 || echo 10)
note "generator: logq gen mac --lanes N for N in $gen_lanes ($runs runs of $G each, paired with logq --version)"
for n in $gen_lanes; do
    g="" z=""
    for r in $(seq "$runs"); do
        rm -rf "$out/gen"
        mkdir -p "$out/gen"
        t0=$(now)
        for i in $(seq $G); do "$LOGQ" --version >/dev/null 2>&1; done
        t1=$(now)
        for i in $(seq $G); do "$LOGQ" gen mac --lanes "$n" -o "$out/gen/n$n-$i" >/dev/null 2>&1; done
        t2=$(now)
        g="$g $(awk -v a="$t1" -v b="$t2" -v g=$G 'BEGIN { printf "%.6f", (b - a) / g }')"
        z="$z $(awk -v a="$t0" -v b="$t1" -v g=$G 'BEGIN { printf "%.6f", (b - a) / g }')"
    done
    bytes=$(cat "$out/gen/n$n-1"/* 2>/dev/null | wc -c)
    row generator "logq gen mac --lanes $n" s "$g" "logq --version (process start)" "$z" \
        "$bytes bytes written; mean of $G invocations per run"
done

# ---- what the build options are worth (full mode: 16 lanes) ----
if [ -z "$quick" ] && [ -n "${built[16]:-}" ]; then
    fast=${built[16]}
    b=$(tb_beats 16)
    note "build options: 16 lanes built 'check' (-O1, --x-assign unique) and with --trace-fst"
    if [ -n "$check_exe" ] && [ "$cosim_lanes" = 16 ] || vl_build n16-check 16 check; then
        [ -n "$check_exe" ] && [ "$cosim_lanes" = 16 ] || check_secs=$vl_secs
        row build "verilator build 16 lanes (check: -O1 + x unique)" s "$check_secs"
        slow=$vl_dir/n16-check/sim/mac_tb
        a="" c=""
        for r in $(seq "$runs"); do
            "$slow" +seed="$seed" +beats="$b" +stall=0 +nocheck >"$out/run.log" 2>&1
            a="$a $(tb_rate "$out/run.log")"
            "$fast" +seed="$seed" +beats="$b" +stall=0 +nocheck >"$out/run.log" 2>&1
            c="$c $(tb_rate "$out/run.log")"
        done
        row options "16 lanes: check build (-O1 + x unique) vs fast (-O3 + x fast)" beats/s "$a" "fast build" "$c" "check off in both"
    fi
    if vl_build n16-trace 16 fast trace; then
        row build "verilator build 16 lanes (fast + --trace-fst)" s "$vl_secs"
        tr=$vl_dir/n16-trace/sim/mac_tb
        a="" c="" w=""
        tbeats=$((b / 10))
        for r in $(seq "$runs"); do
            "$tr" +seed="$seed" +beats="$b" +stall=0 +nocheck >"$out/run.log" 2>&1
            a="$a $(tb_rate "$out/run.log")"
            "$fast" +seed="$seed" +beats="$b" +stall=0 +nocheck >"$out/run.log" 2>&1
            c="$c $(tb_rate "$out/run.log")"
            "$tr" +seed="$seed" +beats="$tbeats" +stall=0 +nocheck +trace="$out/trace.fst" >"$out/run.log" 2>&1
            w="$w $(tb_rate "$out/run.log")"
        done
        rm -f "$out/trace.fst"
        row options "16 lanes: trace compiled in (not dumping) vs untraced" beats/s "$a" "untraced build" "$c" "check off in both"
        row options "16 lanes: FST dump on vs untraced" beats/s "$w" "untraced build" "$c" "check off; $tbeats beats dumped"
    fi
fi

# ---- instruction counts (callgrind): a repeatable alternative to wall-clock ----
# Instructions per beat of the default co-simulation, check on and off: the difference
# of two runs (2000 and 12000 beats) cancels start-up. The note names the function
# that executes the most instructions.
if [ -z "$quick" ] && [ "${BENCH_CALLGRIND:-1}" != 0 ] && command -v valgrind >/dev/null &&
    [ -n "${built[$cosim_lanes]:-}" ]; then
    note "callgrind: instructions per beat of the $cosim_lanes-lane co-simulation"
    cg_ir() {  # cg_ir BEATS ARGS...: "beats_sent instructions top_function share"
        local b=$1
        shift
        valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" "${built[$cosim_lanes]}" \
            +seed="$seed" +beats="$b" +stall=0 "$@" >"$out/cg.log" 2>"$out/cg.err" || return 1
        local sent ir top
        sent=$(sed -n 's/^mac_tb: \([0-9]*\) beats, .*/\1/p' "$out/cg.log")
        callgrind_annotate "$out/cg.out" >"$out/cg.txt" 2>/dev/null
        ir=$(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }' "$out/cg.txt")
        top=$(awk '/file:function/ { getline; getline; f = $3; sub(/^[^:]*:/, "", f); sub(/\(.*/, "", f); s = $2; gsub(/[()]/, "", s); print f "=" s; exit }' "$out/cg.txt")
        echo "$sent $ir $top"
    }
    for mode in "check on" "check off"; do
        extra=()
        [ "$mode" = "check off" ] && extra=(+nocheck)
        r1=$(cg_ir 2000 "${extra[@]}") && r2=$(cg_ir 12000 "${extra[@]}") && {
            per=$(awk -v a="$r1" -v b="$r2" 'BEGIN { split(a, x, " "); split(b, y, " ")
                if (y[1] > x[1]) printf "%.0f", (y[2] - x[2]) / (y[1] - x[1]) }')
            top=${r2##* }
            row callgrind "cosim $cosim_lanes lanes: instructions/beat ($mode)" Ir/beat "$per" "" "" \
                "top function of the 12000-beat run: $top"
        } || na callgrind "cosim $cosim_lanes lanes ($mode)" "valgrind failed: see $out/cg.err"
    done
    # The C models: instructions per lane-MAC of the timed loop (inclusive), against
    # the float dot product's instructions per MAC in the same process.
    for m in $model_items; do
        case $m in
        *-avx2) continue ;; # valgrind has no AVX-512: its rows are these kernels already
        slq) fn=time_slq_fast ;;
        slq-step) fn=time_slq_step ;;
        slq-general) fn=time_slq ;;
        logdot-step) fn=time_logdot_step ;;
        logdot*) fn=time_logdot ;;
        *) fn=time_mac ;;
        esac
        if (cd "$out" && valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" "$model_bin" model \
            --runs 1 --macs 1000000 --seed "$seed" --only $m >"$out/cg.log" 2>"$out/cg.err"); then
            callgrind_annotate --inclusive=yes --auto=no "$out/cg.out" >"$out/cg.txt" 2>/dev/null
            cnt=$(awk '$1 == "COUNT" { print $3 }' "$out/cg.log")
            per=$(awk -v f=":$fn" -v c="$cnt" 'index($0, f " [") { gsub(",", "", $1); printf "%.1f", $1 / c; exit }' "$out/cg.txt")
            fper=$(awk -v c="$cnt" 'index($0, ":time_float [") { gsub(",", "", $1); printf "%.2f", $1 / c; exit }' "$out/cg.txt")
            # the path valgrind's CPU took (it has no AVX-512: logdot's AVX2 path, not the wide one)
            path=$(sed -n 's/^RUN .*, \([A-Za-z0-9]* path\( ([A-Za-z0-9-]*)\)\{0,1\}\).*/\1/p' "$out/cg.log" | head -1)
            row callgrind "C model $m (-O2): instructions/lane-MAC" Ir/MAC "$per" "float dot product (-O2)" "$fper" \
                "$cnt lane-MACs; inclusive count of $fn${path:+; $path under valgrind}"
        else
            na callgrind "C model $m: instructions/lane-MAC" "valgrind failed: see $out/cg.err"
        fi
    done
    # Icarus: instructions per simulated cycle of the generated bench (difference of
    # the long and the short vector set).
    if [ -n "$gen_ok" ]; then
        note "callgrind: instructions per cycle of the $ilanes-lane generated Icarus bench"
        cg_vvp() { # cg_vvp DIR: "cycles instructions"
            local d=$1 ir
            (cd "$d" && valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" vvp -n logq_mac.vvp \
                +vectors=. >"$d/cg.log" 2>"$d/cg.err") || return 1
            ir=$(callgrind_annotate "$out/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
            echo "$(icyc "$d/cg.log") $ir"
        }
        ivec_cg=300
        "$LOGQ" vectors mac --lanes "$ilanes" --stall 0 --count "$ivec_cg" -o "$gi/cg" >/dev/null 2>&1 &&
            sim/icarus/run.sh "$gi/rtl" "$gi/cg" >/dev/null 2>&1
        if r1=$(cg_vvp "$gi/short") && r2=$(cg_vvp "$gi/cg"); then
            per=$(awk -v a="$r1" -v b="$r2" 'BEGIN { split(a, x, " "); split(b, y, " ")
                if (y[1] > x[1]) printf "%.0f", (y[2] - x[2]) / (y[1] - x[1]) }')
            row callgrind "icarus $ilanes lanes (generated bench): instructions/cycle" Ir/cycle "$per" "" "" \
                "difference of $ivec_cg and $ivec_short vectors"
            # the Verilator harness of the same array, per cycle: the instruction ratio
            cg_vl() { # cg_vl BEATS: "cycles instructions"
                local ir
                valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" "${built[$ilanes]}" \
                    +seed="$seed" +beats="$1" +stall=0 >"$out/cgv.log" 2>"$out/cg.err" || return 1
                ir=$(callgrind_annotate "$out/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
                echo "$(sed -n 's/^mac_tb: [0-9]* beats, [0-9]* vectors, \([0-9]*\) cycles.*/\1/p' "$out/cgv.log") $ir"
            }
            if [ -n "${built[$ilanes]:-}" ] && v1=$(cg_vl 20000) && v2=$(cg_vl 120000); then
                vper=$(awk -v a="$v1" -v b="$v2" 'BEGIN { split(a, x, " "); split(b, y, " ")
                    if (y[1] > x[1]) printf "%.0f", (y[2] - x[2]) / (y[1] - x[1]) }')
                row callgrind "icarus vs verilator $ilanes lanes: instructions/cycle" Ir/cycle "$per" \
                    "verilator mac_tb (check on)" "$vper" "mac_tb stall 0: 120000 - 20000 beats"
            fi
        else
            na callgrind "icarus $ilanes lanes (generated bench): instructions/cycle" "valgrind failed"
        fi
    fi
    rm -f "$out/cg.out"
fi

load1=$(cut -d' ' -f1 /proc/loadavg)
row machine "load average (start; end)" load "$load0 $load1" "" "" "$(nproc) cores; wall-clock medians are noisy under load"
t_end=$(date +%s)

# The same table in Markdown (for docs/bench.md and the issue note).
awk -F, -f - "$csv" >"$out/bench.md" <<'AWK'
function num(x) {
    if (x == "n/a" || x == "") return x
    if (x + 0 >= 1e9) return sprintf("%.3gG", x / 1e9)
    if (x + 0 >= 1e6) return sprintf("%.3gM", x / 1e6)
    if (x + 0 >= 1e4) return sprintf("%.3gk", x / 1e3)
    if (x + 0 >= 100) return sprintf("%.0f", x)
    return sprintf("%.3g", x)
}
NR == 1 { print "| section | item | median [min..max] | unit | baseline (median) | ratio median [min..max] | note |"
          print "|---|---|---|---|---|---|---|"; next }
{
    fig = ($4 == "n/a") ? "n/a" : sprintf("%s [%s..%s]", num($4), num($5), num($6))
    base = ($8 == "-") ? "" : sprintf("%s (%s)", $8, num($9))
    rat = ($10 == "n/a") ? "" : sprintf("%s [%s..%s]", num($10), num($11), num($12))
    item = $2; gsub(/\|/, "/", item)
    printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, item, fig, ($3 == "-" ? "" : $3), base, rat, $13
}
AWK

# ---- the table ----
{
    echo
    echo "logq bench ($([ -n "$quick" ] && echo quick || echo full) mode, $runs run(s) per figure, seed $seed, $((t_end - t_start)) s; $csv, $out/bench.md)"
    echo "ratio = figure / baseline, run by run; the ratio column is the median [min..max] of those"
    awk -F, -f - "$csv" <<'AWK'
function num(x) {
    if (x == "n/a" || x == "") return x
    if (x + 0 >= 1e9) return sprintf("%.3gG", x / 1e9)
    if (x + 0 >= 1e6) return sprintf("%.3gM", x / 1e6)
    if (x + 0 >= 1e4) return sprintf("%.3gk", x / 1e3)
    if (x + 0 >= 100) return sprintf("%.0f", x)
    return sprintf("%.3g", x)
}
NR == 1 { printf "%-9s %-58s %-30s %-36s %s\n", "section", "item", "median [min..max] unit", "baseline (median)", "ratio median [min..max]"; next }
{
    fig = ($4 == "n/a") ? $13 : sprintf("%s [%s..%s] %s", num($4), num($5), num($6), $3)
    base = ($8 == "-") ? "" : sprintf("%s (%s)", $8, num($9))
    rat = ($10 == "n/a") ? ($4 == "n/a" ? "" : $13) : sprintf("%s [%s..%s]", num($10), num($11), num($12))
    printf "%-9s %-58s %-30s %-36s %s\n", $1, $2, fig, base, rat
}
AWK
} | tee -a "$log"
exit 0
}
