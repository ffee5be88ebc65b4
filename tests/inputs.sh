#!/usr/bin/env bash
# Bad input files (issue 18): number files of `logq quant` (every scheme) and
# `logq slq encode` with a NUL byte (refused with line and byte offset, not silently
# cut at the NUL), or a number that is not decimal (hex float, inf, nan); a weight file
# with a value too large for the formats' FSR range (refused naming file, line and
# value, not a derived option). Each: exit 2, the message names the value, nothing on
# stdout, no output file left behind.
set -u
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-build/logq}
DATA=$BUILD/data/digits.csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1"; }

# refused NAME WORDS... -- COMMAND...: exit 2, stdout empty, stderr has every WORD,
# and $tmp/out (the output directory of the commands that write one) does not exist.
refused() {
    local name=$1 words=() okk=1 rc
    shift
    while [ "$1" != -- ]; do words+=("$1"); shift; done
    shift
    rm -rf "$tmp/out"
    "$@" >"$tmp/so" 2>"$tmp/se"
    rc=$?
    [ "$rc" -eq 2 ] && [ ! -s "$tmp/so" ] && [ ! -e "$tmp/out" ] || okk=0
    for w in "${words[@]}"; do grep -qF -- "$w" "$tmp/se" || okk=0; done
    if [ $okk -eq 1 ]; then ok "$name: exit 2, '$(head -1 "$tmp/se")'"; else
        bad "$name (exit $rc; stderr: $(head -2 "$tmp/se"); stdout $(wc -c <"$tmp/so") bytes; out $( [ -e "$tmp/out" ] && echo left || echo none))"; fi
}

# A NUL in the second line (file offset 2 + 1 = 3 of "0.5\n1\0002\n" is byte 5).
printf '0.5\n1\0002\n0.25\n' >"$tmp/nul.txt"
for s in "linear --bits 8 --fsr 2" "log2 --bits 5 --fsr 0" "logsqrt2 --bits 5 --fsr 0" "slq --bits 5 --fsr 0"; do
    # shellcheck disable=SC2086
    refused "quant --scheme ${s%% *}: NUL byte" "nul.txt:2: NUL byte at byte offset 5 (column 2)" -- \
        "$LOGQ" quant --scheme $s "$tmp/nul.txt"
done
refused "quant: NUL byte on stdin" "<stdin>:2: NUL byte at byte offset 5" -- \
    "$LOGQ" quant --scheme log2 --bits 5 --fsr 0 - <"$tmp/nul.txt"
refused "slq encode: NUL byte, no output written" "nul.txt:2: NUL byte at byte offset 5" -- \
    "$LOGQ" slq encode --bits 5 --fsr 0 --framing tag -o "$tmp/out" "$tmp/nul.txt"

# Numbers that strtod reads but are not decimal.
for v in 0x1p-1 0X10 -0x.8p1 inf nan infinity; do
    printf '0.5\n%s\n' "$v" >"$tmp/nd.txt"
    refused "quant: '$v' is not decimal" "nd.txt:2: '$v' is not a finite decimal number" -- \
        "$LOGQ" quant --scheme log2 --bits 5 --fsr 0 "$tmp/nd.txt"
done
printf '0.5\n0x1p-1\n' >"$tmp/nd.txt"
refused "slq encode: hex float, no output written" "nd.txt:2: '0x1p-1'" -- \
    "$LOGQ" slq encode --bits 5 --fsr 0 --framing tag -o "$tmp/out" "$tmp/nd.txt"
refused "quant --theta 0x1p-1 refused" "'0x1p-1'" -- \
    "$LOGQ" quant --scheme slq --bits 5 --fsr 0 --theta 0x1p-1 "$tmp/nd.txt"
# Decimal forms still read (the refusal is not of exponents or leading points).
printf '.5\n-2.5E+1\n1e-3\n+4\n' >"$tmp/dec.txt"
if "$LOGQ" quant --scheme linear --bits 8 --fsr 6 --format csv "$tmp/dec.txt" >"$tmp/so" 2>"$tmp/se" &&
   [ "$(cut -d, -f1 "$tmp/so" | tail -n +2 | tr '\n' ' ')" = "0.5 -25 0.001 4 " ]; then
    ok "quant: decimal forms .5 -2.5E+1 1e-3 +4 read"
else
    bad "quant: decimal forms: $(cat "$tmp/so" "$tmp/se")"
fi

# Weight files: a value past the bound names the file, line and value.
if [ -f "$DATA" ] && "$LOGQ" train --data "$DATA" -o "$tmp/w.txt" >/dev/null 2>&1; then
    for v in 1e308 -1e20 1.8446744073709552e19; do
        sed "7s/^[^ ]*/$v/" "$tmp/w.txt" >"$tmp/m.txt"
        refused "eval: weight $v" "$tmp/m.txt:7: layer 1 weights of output 2: value 1 '$v' is too large" -- \
            "$LOGQ" eval --data "$DATA" --weights "$tmp/m.txt" --quick
    done
    # The largest bias line (layer 2 biases: the line before 'end').
    n=$(grep -n '^end$' "$tmp/w.txt" | cut -d: -f1)
    sed "$((n - 1))s/^[^ ]*/-3e30/" "$tmp/w.txt" >"$tmp/m.txt"
    refused "eval: bias -3e30" "$tmp/m.txt:$((n - 1)): layer 2 biases: value 1 '-3e30' is too large" -- \
        "$LOGQ" eval --data "$DATA" --weights "$tmp/m.txt" --quick
    # Just below the bound the whole table and the MAC check still run.
    sed "7s/^[^ ]*/1.8e19/" "$tmp/w.txt" >"$tmp/m.txt"
    if "$LOGQ" eval --data "$DATA" --weights "$tmp/m.txt" --quick --check 3 >"$tmp/so" 2>"$tmp/se"; then
        ok "eval: a weight of 1.8e19 (below 2^64) is evaluated"
    else
        bad "eval: a weight of 1.8e19: $(head -2 "$tmp/se")"
    fi
else
    bad "eval: cannot train a weight file from $DATA (make data)"
fi
