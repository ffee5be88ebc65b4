#!/usr/bin/env bash
# `logq wavediff` (docs/waves.md): hand-made VCDs, the tiny bench of tests/wave/
# under Icarus (VCD) and Verilator --binary --timing (FST), an injected difference
# caught with its time, signal and values, malformed/truncated/empty dumps and bad
# options refused with exit 2 and a message naming the file and line.
set -u
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
case $LOGQ in /*) ;; *) LOGQ=$PWD/$LOGQ ;; esac
ASAN_LOGQ=$BUILD/asan/logq
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
here=$(cd "$(dirname "$0")" && pwd)
W=$here/wave

ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1"; }

# expect NAME STATUS WANTED-SUBSTRING CMD...: exit status and a line of stdout+stderr
expect() {
    local name=$1 want_rc=$2 want=$3
    shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -eq "$want_rc" ] && grep -qF -- "$want" "$tmp/out" "$tmp/err"; then ok "$name"; else
        bad "$name"; echo "  command: $*  (exit $rc, wanted $want_rc)"; echo "  wanted: $want"
        head -12 "$tmp/out" "$tmp/err" | sed 's/^/  /'; fi
}

# refused NAME WORD CMD...: exit 2, nothing on stdout, the message names WORD
refused() {
    local name=$1 word=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ] && grep -qF -- "$word" "$tmp/err"; then ok "$name"; else
        bad "$name"; echo "  command: $*  (exit $rc, wanted 2, empty stdout)"; echo "  wanted: $word"
        head -5 "$tmp/out" "$tmp/err" | sed 's/^/  /'; fi
}

D=("$LOGQ" wavediff)
H=$W/hand.vcd

# --- Hand-made dumps -----------------------------------------------------------
expect "identical dumps agree" 0 "result: agree" "${D[@]}" "$H" "$H"
# The same waves in ps, without Verilator's TOP scope, other identifier codes and an
# extra signal: the mapping drops TOP, the timescales are reconciled.
awk '/^\$timescale/ { print "$timescale 1ps $end"; next }
     /^#/ { print "#" substr($1, 2) * 1000; next }
     /^\$scope module TOP/ || /^\$var wire 1 ! clk \$end/ && !seen++ { next }
     /^\$upscope/ && ++up == 3 { next }
     /^\$var wire 1 \$ flag/ { print; print "$var wire 2 & extra [1:0] $end"; next }
     { gsub(/"/, "Q"); print }' "$H" >"$tmp/ps.vcd"
expect "timescale and TOP mapping agree" 0 "result: agree" "${D[@]}" "$H" "$tmp/ps.vcd"
expect "only-in-one signals are listed" 0 "only in B  top.extra  (2 bits)" "${D[@]}" "$H" "$tmp/ps.vcd"
expect "--strict counts them" 1 "result: differ" "${D[@]}" "$H" "$tmp/ps.vcd" --strict
expect "printed unit is the finer one" 0 "last time 30000 ps" "${D[@]}" "$H" "$tmp/ps.vcd"
expect "--scope below TOP" 0 "6 signals compared" "${D[@]}" "$H" "$tmp/ps.vcd" --scope top
expect "--scope by suffix" 0 "1 signals compared" "${D[@]}" "$H" "$tmp/ps.vcd" --scope u0
expect "--signals globs" 0 "2 signals compared" "${D[@]}" "$H" "$tmp/ps.vcd" --scope top --signals 'd*,u0.*'

# One value edited: data at 20 ns.
sed 's/^b11111110 "$/b11111100 "/' "$H" >"$tmp/edit.vcd"
expect "injected difference caught" 1 "20 ns  top.data  A=8'hfe  B=8'hfc" "${D[@]}" "$H" "$tmp/edit.vcd"
expect "its alias too" 1 "20 ns  top.u0.d  A=8'hfe  B=8'hfc" "${D[@]}" "$H" "$tmp/edit.vcd"
expect "summary counts" 1 "7 signals compared, 2 differ, 2 differences (first at 20 ns)" \
    "${D[@]}" "$H" "$tmp/edit.vcd"
expect "a held difference is reported at --from" 1 "21 ns  top.data  A=8'hfe  B=8'hfc" \
    "${D[@]}" "$H" "$tmp/edit.vcd" --from 21ns
"${D[@]}" "$H" "$tmp/edit.vcd" --max 0 >"$tmp/out"
if [ $? -eq 1 ] && ! grep -q ' ns  ' "$tmp/out" && grep -q "2 differences" "$tmp/out"; then
    ok "--max 0 prints the summary only"; else bad "--max 0 prints the summary only"; fi
"${D[@]}" "$H" "$tmp/edit.vcd" --quiet >"$tmp/out" 2>&1
if [ $? -eq 1 ] && [ ! -s "$tmp/out" ]; then ok "--quiet"; else bad "--quiet"; fi
# state differs from 10 ns until its next change at 20 ns.
sed 's/^b0001 #$/b0011 #/' "$H" >"$tmp/state.vcd"
expect "a difference held until the next change" 1 "1 differences (first at 10 ns)" \
    "${D[@]}" "$H" "$tmp/state.vcd" --signals top.state
expect "--from after it agrees" 0 "result: agree" "${D[@]}" "$H" "$tmp/state.vcd" --from 20ns
expect "--from in the printing unit" 0 "result: agree" "${D[@]}" "$H" "$tmp/state.vcd" --from 20
expect "--from inside it differs" 1 "15 ns  top.state  A=4'h1  B=4'h3" \
    "${D[@]}" "$H" "$tmp/state.vcd" --from 15

# x and z: exact by default, wild on request; a signal is x before its first change.
sed 's/^z\$$/0$/' "$H" >"$tmp/z.vcd"
expect "z is not 0" 1 "0 ns  top.flag  A=z  B=0" "${D[@]}" "$H" "$tmp/z.vcd"
expect "--xz wild matches z" 0 "result: agree" "${D[@]}" "$H" "$tmp/z.vcd" --xz wild
sed '/^bx #$/d' "$H" >"$tmp/nox.vcd"
expect "all x before the first change" 0 "result: agree" "${D[@]}" "$H" "$tmp/nox.vcd"
sed 's/^bx #$/b0 #/' "$H" >"$tmp/x0.vcd"
expect "x is not 0" 1 "0 ns  top.state  A=4'bxxxx  B=4'h0" "${D[@]}" "$H" "$tmp/x0.vcd"
sed 's/^r1.5 %$/r1.25 %/' "$H" >"$tmp/real.vcd"
expect "reals compared" 1 "10 ns  top.level  A=1.5  B=1.25" "${D[@]}" "$H" "$tmp/real.vcd"
sed 's/^\$var reg 4 # state \[3:0\] \$end$/$var reg 5 # state [4:0] $end/' "$H" >"$tmp/w5.vcd"
expect "width mismatch" 1 "width  top.state  A=4 bits  B=5 bits" "${D[@]}" "$H" "$tmp/w5.vcd"

# --- Malformed, truncated, empty ------------------------------------------------
: >"$tmp/empty.vcd"
refused "empty file" "empty.vcd: empty file" "${D[@]}" "$tmp/empty.vcd" "$H"
printf ' \n\n' >"$tmp/blank.vcd"
refused "blank file" "blank.vcd: empty file" "${D[@]}" "$H" "$tmp/blank.vcd"
sed '/^\$enddefinitions/,$d' "$H" >"$tmp/trunc-header.vcd"
refused "truncated header" "expected \$enddefinitions" "${D[@]}" "$tmp/trunc-header.vcd" "$H"
head -c "$(grep -bo '^b101 "' "$H" | cut -d: -f1)" "$H" >"$tmp/trunc-body.vcd"
printf 'b101' >>"$tmp/trunc-body.vcd"
refused "truncated value" "trunc-body.vcd:34: expected an identifier code after the binary value, got end of file" \
    "${D[@]}" "$H" "$tmp/trunc-body.vcd"
sed 's/^#15$/#5/' "$H" >"$tmp/back.vcd"
refused "time backwards" "back.vcd:37: time goes backwards" "${D[@]}" "$H" "$tmp/back.vcd"
sed 's/^1!$/1@/' "$H" >"$tmp/unk.vcd"
refused "unknown identifier" "unknown identifier code in '1@'" "${D[@]}" "$H" "$tmp/unk.vcd"
sed 's/^b101 "$/b1012 "/' "$H" >"$tmp/digit.vcd"
refused "bad binary digit" "digit.vcd:34: expected a binary value of 0 1 x z digits, got 'b1012'" \
    "${D[@]}" "$H" "$tmp/digit.vcd"
sed 's/^b11111110 "$/b111111101 "/' "$H" >"$tmp/long.vcd"
refused "value wider than its variable" "a value of 9 bits for a variable of 8 bits" \
    "${D[@]}" "$H" "$tmp/long.vcd"
sed 's/\$var wire 8 " data/$var wire 0 " data/' "$H" >"$tmp/w0.vcd"
refused "zero width" "expected a decimal width (1 to 65536), got '0'" "${D[@]}" "$tmp/w0.vcd" "$H"
sed 's/^\$timescale 1ns/$timescale 3ns/' "$H" >"$tmp/ts.vcd"
refused "bad timescale" "expected a timescale of 1, 10 or 100" "${D[@]}" "$tmp/ts.vcd" "$H"
sed 's/^\$upscope \$end$/$upscope/' "$H" | head -20 >"$tmp/up.vcd"
refused "upscope without \$end" "expected \$end after \$upscope" "${D[@]}" "$tmp/up.vcd" "$H"
printf 'hello world\n' >"$tmp/text.vcd"
refused "not a VCD" "text.vcd:1: expected a \$keyword in the VCD header, got 'hello'" \
    "${D[@]}" "$tmp/text.vcd" "$H"
head -c 3000 /dev/urandom >"$tmp/random.bin"
refused "random bytes" "random.bin" "${D[@]}" "$tmp/random.bin" "$H"
refused "missing file" "nosuch.vcd: cannot open" "${D[@]}" "$tmp/nosuch.vcd" "$H"
refused "no signal in common" "no signal in common" "${D[@]}" "$H" "$H" --scope u0 --scope-b top

# --- Bad options ---------------------------------------------------------------
refused "one file" "takes two dump files" "${D[@]}" "$H"
refused "three files" "takes two dump files" "${D[@]}" "$H" "$H" "$H"
refused "--max -1" "--max" "${D[@]}" "$H" "$H" --max -1
refused "--max abc" "abc" "${D[@]}" "$H" "$H" --max abc
refused "--xz maybe" "--xz 'maybe'" "${D[@]}" "$H" "$H" --xz maybe
refused "--from abc" "--from 'abc'" "${D[@]}" "$H" "$H" --from abc
refused "--from 1 parsec" "--from '1 parsec'" "${D[@]}" "$H" "$H" --from '1 parsec'
refused "--from -5ns" "--from '-5ns'" "${D[@]}" "$H" "$H" --from -5ns
refused "--scope ." "--scope '.'" "${D[@]}" "$H" "$H" --scope .
refused "--scope unknown" "no scope 'nope'" "${D[@]}" "$H" "$H" --scope nope
refused "--signals unknown" "--signals: 'nope' matches no signal" "${D[@]}" "$H" "$H" --signals nope
refused "--signals a,,b" "empty name" "${D[@]}" "$H" "$H" --signals 'a,,b'
refused "unknown option" "see 'logq wavediff --help'" "${D[@]}" "$H" "$H" --frobnicate
refused "--gtkw dir/" "--gtkw" "${D[@]}" "$H" "$H" --gtkw "$tmp/"
expect "--help" 0 "Exit status: 0 the dumps agree" "${D[@]}" --help

# --- Under ASan+UBSan: the malformed inputs ------------------------------------
if [ -x "$ASAN_LOGQ" ]; then
    fails=0
    for f in empty trunc-header trunc-body back unk digit long w0 ts up text; do
        "$ASAN_LOGQ" wavediff "$tmp/$f.vcd" "$H" >/dev/null 2>"$tmp/asan.err"
        rc=$?
        if [ $rc -ne 2 ] || grep -q Sanitizer "$tmp/asan.err"; then fails=1; echo "  $f: exit $rc"; cat "$tmp/asan.err"; fi
    done
    for args in "$H $tmp/edit.vcd --gtkw $tmp/asan.gtkw" "$H $H --gtkw $tmp/asan2.gtkw" \
                "$H $tmp/ps.vcd --scope u0 --xz wild" "$H $tmp/real.vcd --signals *level --max 0"; do
        "$ASAN_LOGQ" wavediff $args >/dev/null 2>"$tmp/asan.err"
        rc=$?
        if [ $rc -gt 1 ] || grep -q Sanitizer "$tmp/asan.err"; then fails=1; echo "  $args: exit $rc"; cat "$tmp/asan.err"; fi
    done
    [ $fails -eq 0 ] && ok "asan: malformed inputs, agreeing and differing dumps" ||
        bad "asan: malformed inputs, agreeing and differing dumps"
else
    bad "asan: $ASAN_LOGQ is missing (make build/asan/logq)"
fi

# --- GTKWave save file ---------------------------------------------------------
"${D[@]}" "$H" "$tmp/edit.vcd" --gtkw "$tmp/v1.gtkw" >/dev/null
(cd "$tmp" && "$LOGQ" wavediff "$H" "$tmp/edit.vcd" --gtkw v2.gtkw >/dev/null)
if grep -q '^\*-[0-9.]* 20 -1' "$tmp/v1.gtkw" && grep -q '^-differences$' "$tmp/v1.gtkw" &&
    grep -A2 '^-differences$' "$tmp/v1.gtkw" | grep -q '^TOP.top.data\[7:0\]$'; then
    ok "--gtkw: marker on the first difference, differing signals first"
else bad "--gtkw: marker on the first difference, differing signals first"; cat "$tmp/v1.gtkw"; fi
if diff <(grep -v '^\[\*\]' "$tmp/v1.gtkw") <(grep -v '^\[\*\]' "$tmp/v2.gtkw") >/dev/null; then
    ok "--gtkw: deterministic"; else bad "--gtkw: deterministic"; fi

# --- The bench under Icarus (VCD) and Verilator (FST) --------------------------
vdir=$BUILD/waves/bench
mkdir -p "$vdir"
if ! (cd "$vdir" && iverilog -g2005 -gstrict-expr-width -Wall -o bench.vvp "$W/bench.v" &&
      vvp -n bench.vvp >icarus.log); then
    bad "icarus bench"; cat "$vdir/icarus.log"
fi
# Verilator: built once (about 30 s), kept under $BUILD until bench.v changes.
if [ ! -x "$vdir/vl/vbench" ] || [ "$W/bench.v" -nt "$vdir/vl/vbench" ]; then
    echo "building the Verilator bench"
    verilator --binary --timing --trace-fst -DWAVE_FST -Wall -Wno-DECLFILENAME --top-module bench \
        -Mdir "$vdir/vl" -o vbench -j 2 "$W/bench.v" >"$vdir/verilator.log" 2>&1 ||
        { bad "verilator bench build"; tail -20 "$vdir/verilator.log"; }
fi
(cd "$vdir" && rm -f bench.fst && ./vl/vbench >verilator-run.log 2>&1)
V=$vdir/bench.vcd
F=$vdir/bench.fst
expect "icarus VCD vs verilator FST: 4-state x at time 0 differs" 1 "0 ps  m_acc  A=8'bxxxxxxxx  B=8'h00" \
    "${D[@]}" "$V" "$F" --scope bench
expect "icarus VCD vs verilator FST agree after reset" 0 "17 signals compared, 0 differ" \
    "${D[@]}" "$V" "$F" --scope bench --from 25ns
expect "icarus VCD vs verilator FST agree with --xz wild" 0 "result: agree" \
    "${D[@]}" "$V" "$F" --xz wild
expect "verilator's parameters are only in B" 0 "only in B  dut.W  (32 bits)" \
    "${D[@]}" "$V" "$F" --scope bench --xz wild
expect "FST vs FST" 0 "result: agree" "${D[@]}" "$F" "$F" --strict
expect "scopes given apart" 0 "8 signals compared, 0 differ" \
    "${D[@]}" "$F" "$V" --scope TOP.bench.dut --scope-b dut --xz wild
awk -v path=bench.dut.m_acc -v t=65000 -f "$W/inject.awk" "$V" >"$tmp/inj.vcd" 2>/dev/null
expect "injected difference vs FST" 1 "65000 ps  dut.m_acc  A=8'h55  B=8'h54" \
    "${D[@]}" "$tmp/inj.vcd" "$F" --scope bench --from 25ns
expect "injected: FST as A" 1 "65000 ps  dut.m_acc  A=8'h54  B=8'h55" \
    "${D[@]}" "$F" "$tmp/inj.vcd" --scope bench --from 25ns
head -c 600 "$F" >"$tmp/trunc.fst"
refused "truncated FST" "trunc.fst" "${D[@]}" "$tmp/trunc.fst" "$V"
head -c 9 "$F" >"$tmp/hdr.fst"
refused "FST header only" "hdr.fst" "${D[@]}" "$tmp/hdr.fst" "$V"
# The FST reader is third-party code that trusts its input; logq runs it in a child
# process and checks what it returns. 60 single-byte corruptions: never a crash.
size=$(stat -c %s "$F")
crashes=0
for i in $(seq 1 60); do
    cp "$F" "$tmp/bad.fst"
    printf "\\x$(printf %02x $(( (i * 37 + 11) % 256 )))" |
        dd of="$tmp/bad.fst" bs=1 seek=$(( (i * 7919) % size )) conv=notrunc 2>/dev/null
    "$LOGQ" wavediff "$tmp/bad.fst" "$F" --quiet 2>"$tmp/err"
    rc=$?
    if [ $rc -gt 2 ]; then crashes=$((crashes + 1)); echo "  corruption $i: exit $rc"; head -3 "$tmp/err"; fi
done
[ $crashes -eq 0 ] && ok "corrupted FST files never crash logq" || bad "corrupted FST files never crash logq"
exit 0
