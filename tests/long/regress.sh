#!/usr/bin/env bash
# make test-long: long random regressions, at least LONG_BEATS (default 10^8) checked
# beats for each block family, in seeded chunks:
#   mac     the default `logq gen mac` (16 lanes), Verilator `check` build, mac_tb with
#           random stalls (30 %); a beat = one accepted input beat (16 lanes)
#   logacc  `logq gen logacc --lanes 16`; a beat = one input beat of the accumulator
#   slqdec  `logq gen slqdec` W 5 L 2 tag framing; a beat = one output transaction
#   slqmac  `logq gen slqmac` 16 lanes W 5; a beat = one MAC cycle (every lane's term
#           stream in lockstep)
# Chunk k of a family runs with seed SEED * 1000 + k; every chunk prints its progress
# and the command that reruns it, a failing chunk prints FAIL with that command.
#   LONG_BEATS=N SEED=S LONG_ONLY="mac slqdec" tests/long/regress.sh
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
LONG_BEATS=${LONG_BEATS:-100000000}
SEED=${SEED:-1}
only=${LONG_ONLY:-mac logacc slqdec slqmac}
out=$BUILD/long
mkdir -p "$out"
out=$(cd "$out" && pwd)

pass() { echo "PASS: long $*"; }
fail() { echo "FAIL: long $*"; }
echo "long: $LONG_BEATS beats per family ($only), seed $SEED; rerun: LONG_BEATS=$LONG_BEATS SEED=$SEED LONG_ONLY=\"$only\" tests/long/regress.sh"

# run_family NAME BEATS_SED CMD...: runs CMD with @SEED@ replaced by the
# chunk's seed until LONG_BEATS beats are checked; BEATS_SED extracts a chunk's beats
# from its log.
run_family() {
    local name=$1 re=$2 total=0 k=0 t0 t1 log cmd b
    shift 2
    t0=$(date +%s.%N)
    log=$out/$name.log
    while [ "$total" -lt "$LONG_BEATS" ]; do
        k=$((k + 1))
        local s=$((SEED * 1000 + k)) args=()
        for a in "$@"; do args+=("${a//@SEED@/$s}"); done
        cmd="${args[*]}"
        if ! "${args[@]}" >"$log" 2>&1; then
            fail "$name chunk $k (seed $s): $(grep -m3 -E 'MISMATCH|ERROR|FAIL|mismatch' "$log" | tr '\n' ' ')"
            echo "  rerun: $cmd"
            tail -5 "$log" | sed 's/^/  | /'
            return
        fi
        b=$(sed -n "$re" "$log" | tail -1)
        if [ -z "$b" ] || [ "$b" -le 0 ]; then
            fail "$name chunk $k (seed $s): no beat count in its log ($log)"
            echo "  rerun: $cmd"
            return
        fi
        total=$((total + b))
        t1=$(date +%s.%N)
        awk -v n="$name" -v k="$k" -v b="$total" -v want="$LONG_BEATS" -v a="$t0" -v c="$t1" -v cmd="$cmd" \
            'BEGIN { printf "long: %s chunk %d: %d of %d beats checked, %.0f s, %.3g beats/s; rerun: %s\n",
                     n, k, b, want, c - a, b / (c - a), cmd }'
    done
    t1=$(date +%s.%N)
    pass "$name: $total random beats checked against the model in $k chunks, $(awk -v a="$t0" -v c="$t1" 'BEGIN { printf "%.0f", c - a }') s"
}

want() { case " $only " in *" $1 "*) return 0 ;; esac; return 1; }

if want mac; then
    d=$out/mac
    rm -rf "$d/rtl"
    if "$LOGQ" gen mac -o "$d/rtl" >"$out/mac.gen.log" 2>&1 &&
        BUILD=$BUILD sim/verilator/mac_build.sh "$d/rtl" "$d/sim" check >"$out/mac.build.log" 2>&1; then
        run_family mac 's/^mac_tb: \([0-9]*\) beats, .*/\1/p' \
            "$d/sim/mac_tb" +seed=@SEED@ +beats=10000000 +stall=30
    else
        fail "mac: build failed ($out/mac.build.log)"
    fi
fi

if want logacc; then
    if LOGACC_ONE="--lanes 16" LOGACC_VECTORS=10 BUILD=$BUILD LOGQ=$LOGQ bash tests/logacc.sh \
        >"$out/logacc.build.log" 2>&1 && [ -x "$BUILD/logacc-test/one/obj/Vlogacc" ]; then
        run_family logacc 's/^logacc_tb: [0-9]* vectors, \([0-9]*\) beats, .*/\1/p' \
            "$BUILD/logacc-test/one/obj/Vlogacc" +seed=@SEED@ +vectors=125000 +quiet
    else
        fail "logacc: build failed ($out/logacc.build.log)"
    fi
fi

if want slqdec || want slqmac; then
    dec=$BUILD/slq/slqdec_w5_l2_tag/Vtb mac=$BUILD/slq/slqmac_n16_w5/Vtb
    if make -s BUILD="$BUILD" "$dec" "$mac" >"$out/slq.build.log" 2>&1; then
        want slqdec && run_family slqdec 's/^PASS: .* \([0-9]*\) beats, .*/\1/p' \
            "$dec" --seed @SEED@ --frames 100000
        want slqmac && run_family slqmac 's/.* model cycles \([0-9]*\) for .*/\1/p' \
            "$mac" --seed @SEED@ --vectors 20000
    else
        fail "slqdec/slqmac: build failed ($out/slq.build.log)"
    fi
fi
exit 0
