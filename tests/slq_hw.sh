#!/usr/bin/env bash
# SLQ in hardware (docs/slq.md): `logq slq encode|decode`, `logq gen slqdec|slqmac`:
# options, determinism, lint (Verilator -Wall, Icarus -Wall), co-simulation against
# cmodel/slqhw.c, malformed and garbage input files, and a broken-check self test.
# make test: a covering subset of configurations; make test-long (LOGQ_LONG=1): all of
# W in {3,5,8} x L in {1,2,4} x {tag,special}, lanes 1 and 16.
# Seeds: SLQ_SEED (default 1); every bench prints the command that reruns it.
set -u
B=${BUILD:-build}
LOGQ=${LOGQ:-$B/logq}
ALOGQ=$B/asan/logq
[ -x "$ALOGQ" ] || echo "FAIL: slq_hw $ALOGQ is missing (make $ALOGQ): the garbage files run without sanitizers"
[ -x "$ALOGQ" ] || ALOGQ=$LOGQ
SEED=${SLQ_SEED:-1}
T=$B/slq/t
rm -rf "$T" && mkdir -p "$T"
ok() { echo "PASS: slq_hw $1"; }
ko() { echo "FAIL: slq_hw $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else ko "$name"; fi; }

# ---- encode: the paper's example, bit for bit -------------------------------------
words() { grep -v '^//' "$1" | tr '\n' ' ' | sed 's/ $//'; }
echo 0.4375 >"$T/p.txt"
enc() { "$LOGQ" slq encode --bits 5 --fsr 0 "$@" -o "$T/e" "$T/p.txt" >/dev/null; }
enc --framing tag && check "paper nearest tag: 100001 011100" [ "$(words "$T/e/weights.hex")" = "21 5c" ]
enc --framing special && check "paper nearest special: 00001 10000 11100" [ "$(words "$T/e/weights.hex")" = "01 10 3c" ]
enc --framing tag --rounding floor --max-words 3 &&
    check "paper floor tag: 00010 00011 00100" [ "$(words "$T/e/weights.hex")" = "22 23 44" ]
enc --framing special --rounding floor --max-words 3 &&
    check "paper floor special" [ "$(words "$T/e/weights.hex")" = "02 10 03 10 24" ]
check "paper floor special bin" [ "$(od -An -tx1 "$T/e/weights.bin" | tr -s ' \n' ' ' | sed 's/^ //;s/ $//')" = "02 00 10 00 03 00 10 00 04 80" ]

# ---- encode -> decode round trip equals an independent encoder ----------------------
# The reference is the encoder loop of docs/formats.md 4.2 written again in awk (double
# arithmetic, the exponent from a power-of-two search and a squared comparison, not the
# model's mantissa test): q = LogQuant(r) signed log2 of W bits, stop when q = 0 or
# |r - q| <= theta. Inputs: 500 Gaussian values and 200 dyadic ones (two powers of two
# in range), whose residues hit theta exactly, so `<=` against `<` is decided.
LC_ALL=C awk -v s="$SEED" 'BEGIN { srand(s); for (i = 0; i < 500; i++) {
    u = rand(); v = rand(); if (u < 1e-12) u = 1e-12;
    x = sqrt(-2 * log(u)) * cos(6.283185307179586 * v) * 0.7;
    if (i % 17 == 0) x = 0; printf "%.17g\n", x }
    for (i = 0; i < 200; i++) { x = 2 ^ -int(rand() * 9) + (rand() < 0.5 ? -1 : 1) * 2 ^ -int(rand() * 12);
        printf "%.17g\n", (rand() < 0.5 ? -x : x) } }' >"$T/g.txt"
slq_ref() { # W FSR L THETA ROUNDING < values: the decoded value of each, %.17g
    LC_ALL=C awk -v W="$1" -v F="$2" -v L="$3" -v th="$4" -v rd="$5" '
    function lq(r,   a, n, e, sg) {
        if (r == 0) return 0
        sg = r < 0 ? -1 : 1; a = r < 0 ? -r : r
        n = 0; while (2 ^ n > a) n--; while (2 ^ (n + 1) <= a) n++   # n = floor(log2 a)
        e = n; if (rd == "nearest" && a * a >= 2 ^ (2 * n + 1)) e = n + 1
        if (e <= F - 2 ^ (W - 1)) return 0       # flush below the range
        if (e >= F) e = F - 1                    # saturate
        return sg * 2 ^ e
    }
    { r = $1 + 0; sum = 0
      for (i = 1; i <= L; i++) { q = lq(r); if (q == 0) break; sum += q; r -= q
          if ((r < 0 ? -r : r) <= th) break }
      printf "%.17g\n", sum }'
}
for fr in tag special; do
    for c in "1 0 nearest" "3 0 nearest" "3 0.0625 nearest" "2 0.125 floor" "4 0.001953125 floor"; do
        set -- $c
        L=$1 th=$2 rd=$3
        o="--bits 5 --fsr 1 --max-words $L --framing $fr"
        "$LOGQ" slq encode $o --theta "$th" --rounding "$rd" --vector 7 -o "$T/rt" "$T/g.txt" >"$T/enc.txt" ||
            ko "encode $fr L=$L theta=$th $rd"
        slq_ref 5 1 "$L" "$th" "$rd" <"$T/g.txt" >"$T/q.txt"
        for ext in hex bin; do
            "$LOGQ" slq decode $o "$T/rt/weights.$ext" >"$T/d.txt"
            rc=$?
            grep -v '^#' "$T/d.txt" >"$T/dv.txt"
            check "round trip $fr L=$L theta=$th $rd $ext (exit 0, values = awk reference)" \
                bash -c "[ $rc -eq 0 ] && cmp -s '$T/q.txt' '$T/dv.txt' && [ \$(grep -c 'end of vector' '$T/d.txt') -eq 100 ]"
        done
        check "encode prints bits per weight ($fr L=$L)" grep -q '^stats: bits_per_weight' "$T/enc.txt"
    done
done
# The reference itself: the paper's example (nearest 0.5 - 0.0625, floor three words).
check "awk SLQ reference: paper example" \
    [ "$(echo 0.4375 | slq_ref 5 0 2 0 nearest) $(echo 0.4375 | slq_ref 5 0 3 0 floor) $(echo 0.4375 | slq_ref 5 0 3 0.0625 nearest)" = "0.4375 0.4375 0.5" ]

# ---- decode: malformed streams and garbage files ------------------------------------
d5s="--bits 5 --fsr 0 --framing special --max-words 2"
printf '01\n10\n10\n23\n' >"$T/m1.hex" # 00001 -M -M 00011(last): two separators in a row
"$LOGQ" slq decode $d5s "$T/m1.hex" >"$T/o.txt" 2>"$T/e.txt"
check "decode malformed: exit 1, first bad word 2" bash -c "[ $? -eq 1 ] && grep -q 'the first at word 2' '$T/e.txt' && grep -q 'error 2 ' '$T/o.txt'"
printf '01\n' >"$T/m2.hex"
"$LOGQ" slq decode $d5s "$T/m2.hex" >/dev/null 2>&1
check "decode: stream without last -> exit 1" [ $? -eq 1 ]
printf '\x01\x00\x1c' >"$T/t.bin"
"$LOGQ" slq decode $d5s "$T/t.bin" >/dev/null 2>"$T/e.txt"
check "decode truncated bin: exit 2 naming byte 2" bash -c "[ $? -eq 2 ] && grep -q 'byte 2' '$T/e.txt'"
printf '01\nzz\n' >"$T/b.hex"
"$LOGQ" slq decode $d5s "$T/b.hex" >/dev/null 2>"$T/e.txt"
check "decode bad hex line: exit 2 naming line 2" bash -c "[ $? -eq 2 ] && grep -q 'line 2' '$T/e.txt'"
printf '7f\n' >"$T/w.hex"
"$LOGQ" slq decode $d5s "$T/w.hex" >/dev/null 2>&1
check "decode word too wide: exit 2" [ $? -eq 2 ]
bad=0
for i in $(seq 1 60); do
    LC_ALL=C awk -v s=$((SEED * 1000 + i)) 'BEGIN { srand(s); n = int(rand() * 64);
        for (j = 0; j < n; j++) printf "%c", int(rand() * 256) }' >"$T/r.bin"
    LC_ALL=C awk -v s=$((SEED * 1000 + i)) 'BEGIN { srand(s); n = int(rand() * 40);
        for (j = 0; j < n; j++) printf "%x%s", int(rand() * 128), (rand() < 0.1 ? "\n\n" : "\n") }' >"$T/r.hex"
    for f in "$T/r.bin" "$T/r.hex"; do
        for fr in tag special; do
            "$ALOGQ" slq decode --bits 5 --fsr 0 --framing $fr "$f" >/dev/null 2>"$T/e.txt"
            rc=$?
            if [ $rc -gt 2 ] || grep -q 'Sanitizer' "$T/e.txt"; then
                echo "garbage file $i ($f, $fr): exit $rc"; bad=$((bad + 1))
            fi
        done
    done
done
check "decode of 120 garbage files (ASan): exit 0/1/2, no crash" [ $bad -eq 0 ]

# ---- generators: bad options, determinism ------------------------------------------
badopt() { rm -rf "$T/x"; "$LOGQ" gen "$@" -o "$T/x" >/dev/null 2>"$T/e.txt"; [ $? -eq 2 ] && [ ! -e "$T/x" ] && [ -s "$T/e.txt" ]; }
check "gen slqdec --bits 11: exit 2, no files" badopt slqdec --bits 11 --framing tag
check "gen slqdec without --framing: exit 2" badopt slqdec --bits 5
check "gen slqdec --max-words 9: exit 2" badopt slqdec --bits 5 --framing tag --max-words 9
check "gen slqdec --name module: exit 2" badopt slqdec --bits 5 --framing tag --name module
check "gen slqmac --lanes 0: exit 2" badopt slqmac --bits 5 --lanes 0
check "gen slqmac --acc-bits below A+F: exit 2" badopt slqmac --bits 5 --act-bits 8 --acc-bits 20
check "gen slqmac --act-bits 40 --frac 30: exit 2" badopt slqmac --bits 5 --act-bits 32 --frac 31
"$LOGQ" gen slqdec --bits 5 --framing special -o "$T/d1" >/dev/null
"$LOGQ" gen slqmac --bits 5 --lanes 4 -o "$T/d1" >/dev/null
cp -r "$T/d1" "$T/d2"
"$LOGQ" gen slqdec --bits 5 --framing special -o "$T/d1" >/dev/null
"$LOGQ" gen slqmac --bits 5 --lanes 4 -o "$T/d1" >/dev/null
check "generators are deterministic (byte-identical files)" diff -r "$T/d1" "$T/d2"

# ---- lint: every W x L x framing, MAC corners --------------------------------------
lint() { # file
    verilator --lint-only -Wall "$1" >"$T/lint.txt" 2>&1 &&
        iverilog -g2005 -gstrict-expr-width -Wall -o /dev/null "$1" >>"$T/lint.txt" 2>&1 &&
        [ ! -s "$T/lint.txt" ] || { cat "$T/lint.txt"; return 1; }
}
nl=0
for W in 2 3 5 8 10; do for L in 1 2 4 8; do for fr in tag special; do
    "$LOGQ" gen slqdec --bits $W --max-words $L --framing $fr --name d -o "$T/l" >/dev/null &&
        lint "$T/l/d.v" || { echo "lint: slqdec W=$W L=$L $fr"; nl=$((nl + 1)); }
done; done; done
check "slqdec lint clean, W 2-10 x L 1-8 x framing (80)" [ $nl -eq 0 ]
nl=0
for o in "--lanes 1 --bits 2 --act-bits 2 --frac 0 --acc-bits 2" "--lanes 1 --bits 5" \
         "--lanes 16 --bits 3" "--lanes 16 --bits 8 --act-bits 16" "--lanes 3 --bits 10 --act-bits 30 --acc-bits 64" \
         "--lanes 64 --bits 5 --act-bits 4 --frac 1"; do
    "$LOGQ" gen slqmac $o --name m -o "$T/l" >/dev/null && lint "$T/l/m.v" || { echo "lint: slqmac $o"; nl=$((nl + 1)); }
done
check "slqmac lint clean (6 corner configurations)" [ $nl -eq 0 ]

# ---- co-simulation -------------------------------------------------------------------
if [ -n "${LOGQ_LONG:-}" ]; then
    DEC=""
    for W in 3 5 8; do for L in 1 2 4; do for fr in tag special; do DEC="$DEC w${W}_l${L}_$fr"; done; done; done
    MAC="n1_w3 n16_w3 n1_w5 n16_w5 n1_w8 n16_w8 n16_w5_f2 n3_w3_f0 n16_w8_f4"
    FRAMES=20000
else
    DEC="w3_l1_tag w5_l2_special w8_l4_tag w5_l4_special"
    # n16_w5 has the exact default F = 15: floor and truncation never differ there;
    # _f2 and n3_w3_f0 keep fewer fraction bits, so negative terms round (floor).
    MAC="n1_w8 n16_w5 n16_w5_f2 n3_w3_f0"
    FRAMES=3000
fi
targets=""
for c in $DEC; do targets="$targets $B/slq/slqdec_$c/Vtb"; done
for c in $MAC; do targets="$targets $B/slq/slqmac_$c/Vtb"; done
if make -s -j2 BUILD="$B" $targets >"$T/build.txt" 2>&1; then ok "build benches:$DEC $MAC"; else
    cat "$T/build.txt"; ko "build benches"; fi
# faults NAME TB ARGS...: the bench with resets at random, mid-frame and with an output
# waiting (the model reset alongside) and long holds of both handshakes must pass,
# with every kind of fault seen at least once (docs/slq.md, "Reset").
faults() {
    local name=$1
    shift
    "$@" +midreset +hold=300 +holdin=200 >"$T/faults.txt" 2>&1
    check "$name faults: $(grep -o 'faults: .*' "$T/faults.txt")" bash -c "[ $? -eq 0 ] &&
        grep -Eq 'faults: [1-9][0-9]* resets at random, [1-9][0-9]* mid-vector, [1-9][0-9]* with an output waiting; [1-9][0-9]* ready holds of [0-9]+ cycles, [1-9][0-9]* valid holds' '$T/faults.txt'"
}
# runtb PATTERN TB ARGS...: run a bench, show the lines matching PATTERN; a bench that
# exits non-zero without a FAIL line (a crash) still counts as a failure.
runtb() {
    local pat=$1; shift
    "$@" >"$T/tb.txt" 2>&1
    local rc=$?
    grep -E "$pat|MODEL|MISMATCH|HANG|PASS|FAIL" "$T/tb.txt" | head -20
    if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$T/tb.txt"; then
        tail -5 "$T/tb.txt"; echo "FAIL: slq_hw $* exited with status $rc"
    fi
}
for c in $DEC; do
    tb=$B/slq/slqdec_$c/Vtb
    [ -x "$tb" ] || { ko "bench $tb missing"; continue; }
    runtb 'rerun|words/cycle' "$tb" --seed "$SEED" --frames $FRAMES
    runtb 'words/cycle' "$tb" --seed "$SEED" --frames $((FRAMES / 3)) --full
    faults "decoder $c" "$tb" --seed "$SEED" --frames $((FRAMES / 3))
done
for c in $MAC; do
    tb=$B/slq/slqmac_$c/Vtb
    [ -x "$tb" ] || { ko "bench $tb missing"; continue; }
    for L in 1 2 4; do for fr in tag special; do
        runtb 'rerun' "$tb" --seed "$SEED" --max-words $L --framing $fr
    done; done
    runtb 'RTL:' "$tb" --seed "$SEED" --full --max-words 3
    faults "MAC $c" "$tb" --seed "$SEED" --max-words 2
    case $c in *_w5) # the measurement of docs/slq.md: Gaussian weights, W = 5
        for L in 2 3; do for fr in tag special; do
            runtb 'MEASURE' "$tb" --seed "$SEED" --gauss 1 --fsr 2 --max-words $L --framing $fr --vectors 200
        done; done ;;
    esac
done

# ---- the checks can fail: corrupt one expected beat ----------------------------------
set -- $DEC
tb=$B/slq/slqdec_$1/Vtb
if [ -x "$tb" ]; then
    "$tb" --seed "$SEED" --frames 200 --break >"$T/brk.txt" 2>&1
    check "decoder bench --break fails" bash -c "[ $? -ne 0 ] && grep -q MISMATCH '$T/brk.txt'"
    "$tb" --seed "$SEED" --frames 500 +midreset +stale-model >"$T/stale.txt" 2>&1
    check "decoder bench with a model not reset (+midreset +stale-model) fails" bash -c "[ $? -ne 0 ] && grep -q MISMATCH '$T/stale.txt'"
else
    ko "decoder bench --break: $tb is missing"
fi
set -- $MAC
tb=$B/slq/slqmac_$1/Vtb
if [ -x "$tb" ]; then
    "$tb" --seed "$SEED" --vectors 20 --break >"$T/brk.txt" 2>&1
    check "MAC bench --break fails" bash -c "[ $? -ne 0 ] && grep -q MISMATCH '$T/brk.txt'"
    "$tb" --seed "$SEED" +midreset +stale-model >"$T/stale.txt" 2>&1
    check "MAC bench with a model not reset (+midreset +stale-model) fails" bash -c "[ $? -ne 0 ] && grep -q MISMATCH '$T/stale.txt'"
else
    ko "MAC bench --break: $tb is missing"
fi
exit 0
