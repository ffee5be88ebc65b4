#!/usr/bin/env bash
# The constants the generated RTL inherits from the C model, checked in the generated
# Verilog against an independent computation in bc (arbitrary precision, no libm, no
# long double), so that co-simulation, which compares the RTL with the same model,
# is not the only judge of them (docs/mac.md and docs/logacc.md, "Constants"):
# - the sqrt(2) constant K_P = round(sqrt(2) * 2^P) of `gen mac --base sqrt2`, for
#   every P = 1..30 and every mode: in shift mode the sum of the shift-add terms
#   (the circuit itself), in loglog mode the sized literal, in mult mode the literal
#   of the one multiplier after the odd tree; the reference is
#   the integer square root floor(sqrt(2^(2P+3))) = floor(2 sqrt(2) 2^P), halved
#   with rounding up;
# - the correction table T(d) = round(2^F log2(1 + 2^(-d/2^F))) of `gen logacc
#   --correction table` for every F = 0..10: every entry of NAME_add.v, and DCUT
#   (the first d with T(d) = 0), from bc's l() and e() at 60 decimal digits.
set -u
LOGQ=${LOGQ:-build/logq}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1"; }
command -v bc >/dev/null || { bad "constants: bc is not installed (scripts/deps.sh bc)"; exit 0; }

# K_P from bc's integer square root (scale=0: sqrt truncates).
kp_ref() { echo "scale=0; (sqrt(2^(2*$1+3)) + 1) / 2" | bc; }

for mode in shift loglog mult; do
    nbad=0 first=
    for P in $(seq 1 30); do
        want=$(kp_ref "$P")
        if ! "$LOGQ" gen mac --mode "$mode" --base sqrt2 --sqrt2-frac "$P" --lanes 1 \
            -o "$tmp/m" >"$tmp/log" 2>&1; then
            nbad=$((nbad + 1)); first=${first:-"P=$P: gen failed: $(head -1 "$tmp/log")"}; continue
        fi
        v=$tmp/m/logq_mac.v
        if [ "$mode" = shift ]; then
            # The shift-add terms between "times K =" and the next wire: sum of 2^N.
            # (the statement after the comment, on one line or several, up to its ';')
            got=$(awk '/\/\/ times [0-9]+ = /{on=1; next}
                      on{ t = $0
                          while (match(t, /<<< [0-9]+\)/)) {
                              s = s "+2^" substr(t, RSTART+4, RLENGTH-5); t = substr(t, RSTART+RLENGTH) }
                          if ($0 ~ /;/) { print "0" s; exit } }' "$v" | bc)
            got2=$(grep -o '// times [0-9]* =' "$v" | grep -o '[0-9]*')
            [ "$got" = "$got2" ] || got="$got (comment says $got2)"
        elif [ "$mode" = mult ]; then
            # the one multiplier after the odd tree (docs/mac.md, the split structure)
            got=$(grep -o "tree_ox \* [0-9]*'sd[0-9]*" "$v" | head -1 | sed "s/.*'sd//")
        else
            got=$(grep -o "? [0-9]*'sd[0-9]* :" "$v" | head -1 | sed "s/.*'sd//; s/ ://")
        fi
        if [ "$got" != "$want" ]; then
            nbad=$((nbad + 1)); first=${first:-"P=$P: RTL has '$got', sqrt gives $want"}
        fi
    done
    if [ $nbad -eq 0 ]; then
        ok "constants: mac $mode K_P equals the integer-sqrt reference for P = 1..30 (K_30 = $want)"
    else
        bad "constants: mac $mode K_P wrong for $nbad of 30 values of P; first: $first"
    fi
done

# T(d) and DCUT from bc: u = 2^(-d/2^F) by repeated multiplication by r = 2^(-2^-F).
cat >"$tmp/table.bc" <<'BC'
scale = 60
define rnd(x) { auto s; s = scale; scale = 0; x = (x + 0.5) / 1; scale = s; return (x); }
l2 = l(2)
r = e(-l2 / 2^f)
u = 1
for (d = 0; 1; d++) {
    t = rnd(2^f * l(1 + u) / l2)
    print d, " ", t, "\n"
    if (t == 0) break
    u = u * r
}
BC
for F in $(seq 0 10); do
    if ! "$LOGQ" gen logacc --correction table --frac "$F" -o "$tmp/l" >"$tmp/log" 2>&1; then
        bad "constants: gen logacc --frac $F failed: $(head -1 "$tmp/log")"; continue
    fi
    { echo "f = $F"; cat "$tmp/table.bc"; } | BC_LINE_LENGTH=0 bc -l >"$tmp/ref"
    sed -n "s/^ *tab\[\([0-9]*\)\] = [0-9]*'d\([0-9]*\);$/\1 \2/p" "$tmp/l/logacc_add.v" >"$tmp/rtl"
    dcut=$(sed -n 's/.*localparam integer DCUT = \([0-9]*\);.*/\1/p' "$tmp/l/logacc_add.v")
    rdcut=$(tail -1 "$tmp/ref" | cut -d' ' -f1)
    if [ -s "$tmp/rtl" ] && [ "$dcut" = "$rdcut" ] && diff -q <(head -n -1 "$tmp/ref") "$tmp/rtl" >/dev/null; then
        ok "constants: logacc table F=$F: all $dcut entries and DCUT equal the bc reference"
    else
        bad "constants: logacc table F=$F: DCUT $dcut (bc $rdcut); first differences (d bc / d rtl):"
        diff <(head -n -1 "$tmp/ref") "$tmp/rtl" | head -4
    fi
done
