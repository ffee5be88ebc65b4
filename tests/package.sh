#!/usr/bin/env bash
# Packaging that works (docs/fpga.md "Packaging", docs/waves.md "Views"): for small
# configurations of every block, `logq gen --tb` writes the bench with its default
# vectors and the bench passes on them; every signal the generated NAME.gtkw names is
# in the bench's dump, below the one scope convention NAME_tb.dut, and packed lane
# buses are split into one row per lane. FuseSoC: the sim target runs the bench with
# its vectors (and fails on a corrupted vector), the synth target synthesizes for
# iCE40 through Edalize's icestorm flow, and two configurations in one library have
# two core names that both resolve (the same configuration twice: the same name).
. "$(dirname "$0")/lib.sh"
FUSESOC=$BUILD/venv/bin/fusesoc
RUN=$root/sim/icarus/run.sh

# block|options (small configurations)
blocks=(
    "mac|--lanes 3 --act-bits 6 --bits 4"
    "logacc|--lanes 3 --exp-bits 4 --frac 3"
    "slqdec|--bits 4 --max-words 2 --framing tag"
    "slqmac|--bits 4 --lanes 2 --act-bits 6 --max-words 2"
    "quant|--lanes 2 --in-bits 8"
    "logdot|--lanes 2"
    "slqdot|--bits 4 --lanes 2 --max-words 2"
)
for b in "${blocks[@]}"; do
    IFS='|' read -r block opts <<<"$b"
    d=$tmp/$block
    # shellcheck disable=SC2086
    if ! "$LOGQ" gen "$block" $opts --tb -o "$d" >"$d.gen" 2>&1; then
        bad "$block: gen --tb"; cat "$d.gen"; continue
    fi
    name=$(basename "$(ls "$d"/*_tb.v)" _tb.v)
    # the default vectors beside the block are those of `logq vectors` with its options
    # shellcheck disable=SC2086
    "$LOGQ" vectors "$block" $opts -o "$d.vec" >/dev/null 2>&1
    same=1
    for f in $(cd "$d.vec" && ls ./*.hex); do
        cmp -s <(grep -v '^//' "$d/$f") <(grep -v '^//' "$d.vec/$f") || same=0
    done
    if [ $same = 1 ] && [ -s "$d/vectors.vh" ]; then ok "$block: gen --tb writes the default vectors of logq vectors"
    else bad "$block: gen --tb vectors differ from logq vectors $opts"; fi
    if WAVES=1 "$RUN" "$d" "$d" >"$d.run" 2>&1 && grep -q '^PASSED' "$d.run"; then
        ok "$block: the bench passes on the vectors beside it ($(grep -o '[0-9]* outputs checked' "$d.run"))"
    else bad "$block: the bench on the vectors beside it"; tail -5 "$d.run"; continue; fi
    # the view: every signal it names is in the dump, all below NAME_tb.dut
    view=$d/$name.gtkw
    read -r n m < <(view_signals "$view" "$d/${name}_tb.vcd" | head -1)
    outside=$(view_signals "$view" /dev/null | tail -n +2 | grep -vc "^${name}_tb\.dut\.")
    if [ "${n:-0}" -ge 8 ] && [ "$m" = 0 ] && [ "$outside" = 0 ]; then
        ok "$block: $name.gtkw names $n signals, all in the bench's dump below ${name}_tb.dut"
    else
        bad "$block: $name.gtkw: $m of $n signals missing from the dump, $outside outside ${name}_tb.dut"
        view_signals "$view" "$d/${name}_tb.vcd" | tail -n +2 | head -5
    fi
done

# Lanes: the MAC's activation bus (3 lanes of 6 bits, signed) is shown lane by lane,
# each lane a signed decimal made of its own 6 bits.
view=$tmp/mac/logq_mac.gtkw
lanes=$(grep -c '^#{logq_mac_tb\.dut\.s_a_lane[0-9]\[5:0\]}' "$view")
flags=$(grep -B1 '^#{logq_mac_tb\.dut\.s_a_lane1' "$view" | head -1)
bits=$(grep '^#{logq_mac_tb\.dut\.s_a_lane1' "$view" | tr ' ' '\n' | grep -c '^([6-9]\|1[01])logq_mac_tb\.dut\.s_a\[17:0\]$')
if [ "$lanes" = 3 ] && [ "$flags" = "@424" ] && [ "$bits" = 6 ]; then
    ok "mac view: s_a as 3 rows of 6 bits (lane 1: bits 11..6), signed decimal"
else bad "mac view: lanes of s_a ($lanes rows, flags $flags, lane 1 bits $bits)"; fi

# A view naming a signal the dump lacks is caught.
sed 's/^logq_mac_tb\.dut\.s_valid$/logq_mac_tb.dut.s_valid_x/' "$view" >"$tmp/bad.gtkw"
read -r n m < <(view_signals "$tmp/bad.gtkw" "$tmp/mac/logq_mac_tb.vcd" | head -1)
if [ "$m" = 1 ]; then ok "a view signal missing from the dump is found"
else bad "a view signal missing from the dump is not found ($m)"; fi

if ! [ -x "$FUSESOC" ]; then
    bad "fusesoc not installed ($FUSESOC; make fusesoc)"
    exit 0
fi
vlnv_of() { sed -n 's/^name: *//p' "$1"; }

# sim: the bench with its vectors; a corrupted vector fails.
d=$tmp/mac
vlnv=$(vlnv_of "$d/logq_mac.core")
if "$FUSESOC" --cores-root "$d" run --build-root "$tmp/fs-sim" --target sim "$vlnv" >"$tmp/fs-sim.log" 2>&1 &&
   grep -q '^PASSED' "$tmp/fs-sim.log"; then
    ok "fusesoc run --target sim $vlnv: the bench passes on its vectors"
else bad "fusesoc run --target sim $vlnv"; tail -8 "$tmp/fs-sim.log"; fi
cp -r "$d" "$tmp/mac-bad"
# the third expected sum, one bit flipped
awk '!/^\/\// && ++k == 3 { c = substr($0, length($0))
    $0 = substr($0, 1, length($0) - 1) substr("1032547698badcfe", index("0123456789abcdef", c), 1) }
    { print }' "$d/out.hex" >"$tmp/mac-bad/out.hex"
if cmp -s "$d/out.hex" "$tmp/mac-bad/out.hex"; then
    bad "the corrupted out.hex equals the original"
elif "$FUSESOC" --cores-root "$tmp/mac-bad" run --build-root "$tmp/fs-bad" --target sim "$vlnv" \
        >"$tmp/fs-bad.log" 2>&1; then
    bad "fusesoc run --target sim passed with a corrupted vector"
elif grep -q '^MISMATCH' "$tmp/fs-bad.log"; then
    ok "fusesoc run --target sim fails on a corrupted vector (MISMATCH, exit status non-zero)"
else bad "fusesoc run --target sim with a corrupted vector failed without a MISMATCH"; tail -5 "$tmp/fs-bad.log"; fi

# synth: Yosys synth_ice40 through Edalize's icestorm flow.
if "$FUSESOC" --cores-root "$d" run --build-root "$tmp/fs-synth" --target synth "$vlnv" \
        >"$tmp/fs-synth.log" 2>&1; then
    luts=$(find "$tmp/fs-synth" -name yosys.log -exec grep -h 'SB_LUT4' {} + | tail -1 | awk '{ print $NF }')
    if [ "${luts:-0}" -gt 10 ] 2>/dev/null; then ok "fusesoc run --target synth $vlnv: $luts SB_LUT4"
    else bad "fusesoc run --target synth: no SB_LUT4 count in yosys.log"; fi
else bad "fusesoc run --target synth $vlnv"; tail -8 "$tmp/fs-synth.log"; fi

# Two configurations in one library: two names, both listed, each runs its own bench.
lib=$tmp/lib
"$LOGQ" gen mac --lanes 2 --bits 4 --tb -o "$lib/a" >/dev/null &&
    "$LOGQ" gen mac --lanes 3 --bits 4 --tb -o "$lib/b" >/dev/null &&
    "$LOGQ" gen mac --lanes 2 --bits 4 --tb -o "$tmp/again" >/dev/null
va=$(vlnv_of "$lib/a/logq_mac.core")
vb=$(vlnv_of "$lib/b/logq_mac.core")
vc=$(vlnv_of "$tmp/again/logq_mac.core")
"$FUSESOC" --cores-root "$lib" core list >"$tmp/list.log" 2>&1
if [ -n "$va" ] && [ "$va" != "$vb" ] && [ "$va" = "$vc" ] &&
   grep -qF "${va%:*}" "$tmp/list.log" && grep -qF "${vb%:*}" "$tmp/list.log"; then
    ok "two configurations in one library: fusesoc core list shows both ($va, $vb); the same configuration again: $vc"
else bad "core names: a $va, b $vb, a again $vc"; cat "$tmp/list.log"; fi
for v in "$va" "$vb"; do
    if "$FUSESOC" --cores-root "$lib" run --build-root "$tmp/fs-$v" --target sim "$v" >"$tmp/fs-lib.log" 2>&1 &&
       grep -q '^PASSED' "$tmp/fs-lib.log"; then
        ok "library: fusesoc run --target sim $v runs its own bench ($(grep -o '[0-9]* outputs checked' "$tmp/fs-lib.log"))"
    else bad "library: fusesoc run --target sim $v"; tail -5 "$tmp/fs-lib.log"; fi
done
