#!/usr/bin/env bash
# Corrupted and truncated FST files (gen/wave/fstcheck.c, fstread.c): real dumps (the
# hand-made VCD through vcd2fst with an LZ4 and a zlib hierarchy, the wave bench as
# Icarus writes it) with one field changed at a time, among them a hierarchy that
# claims 3.17 GB (which made the reader write a temporary of that size beside the
# input), truncated at several lengths, and with random bytes changed. Each bad file:
# exit 2, a message naming the file and what is wrong ("truncated" for a cut file),
# nothing left beside the input or in the temporary directory. The random ones run
# under ASan+UBSan: no sanitizer report, exit 0, 1 or 2.
set -u
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
ALOGQ=$BUILD/asan/logq
SEED=${SEED:-1}
ok() { echo "PASS: fst_bad $1"; }
bad() { echo "FAIL: fst_bad $1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
W=$(cd "$(dirname "$0")/wave" && pwd)
for c in vcd2fst iverilog vvp; do
    command -v $c >/dev/null || { bad "$c is not installed (scripts/deps.sh gtkwave iverilog)"; exit 0; }
done
[ -x "$ALOGQ" ] || bad "$ALOGQ is missing (make $ALOGQ): the random corruptions run without sanitizers"
[ -x "$ALOGQ" ] || ALOGQ=$LOGQ
echo "fst_bad.sh: seed $SEED (rerun: SEED=$SEED bash tests/fst_bad.sh)"

mkdir -p "$tmp/src" "$tmp/in" "$tmp/tmpdir"
vcd2fst -4 "$W/hand.vcd" "$tmp/src/lz4.fst" >/dev/null
vcd2fst -Z "$W/hand.vcd" "$tmp/src/zlib.fst" >/dev/null
(cd "$tmp/src" && iverilog -g2005 -DWAVE_FST -o bench.vvp "$W/bench.v" && vvp -n bench.vvp -fst >/dev/null &&
    mv bench.fst icarus.fst)
for f in lz4 zlib icarus; do
    if [ -s "$tmp/src/$f.fst" ] && "$LOGQ" wavediff "$tmp/src/$f.fst" "$tmp/src/$f.fst" --quiet; then
        ok "the $f dump reads"
    else
        bad "the $f dump does not read"
    fi
done

# blocks FILE: "type position length" of every block (the block takes 1 + length bytes).
blocks() {
    local f=$1 pos=0 size t len
    size=$(stat -c %s "$f")
    while [ $pos -lt $size ]; do
        t=$(od -An -tu1 -j$pos -N1 "$f" | tr -d ' ')
        len=$((16#$(od -An -tx1 -j$((pos + 1)) -N8 "$f" | tr -d ' \n')))
        echo "$t $pos $len"
        pos=$((pos + 1 + len))
    done
}
# block FILE TYPES: "position length" of the first block whose type is in TYPES.
block() { blocks "$1" | awk -v ts=",$2," 'index(ts, "," $1 ",") { print $2, $3; exit }'; }
# put64 FILE OFFSET VALUE: a big-endian 64-bit number; put8 FILE OFFSET VALUE: a byte.
put64() {
    local hex
    hex=$(printf '%016x' "$3" | sed 's/../\\x&/g')
    printf "$hex" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
put8() { printf "\\x$(printf %02x "$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }

# refused NAME FILE WORDS...: exit 2, stderr names FILE and has every WORD, nothing new
# beside FILE or in TMPDIR.
refused() {
    local name=$1 f=$2 rc okk=1
    shift 2
    TMPDIR=$tmp/tmpdir "$LOGQ" wavediff "$f" "$tmp/src/zlib.fst" --quiet >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 2 ] && grep -qF "$f" "$tmp/err" || okk=0
    for w in "$@"; do grep -qF -- "$w" "$tmp/err" || okk=0; done
    [ "$(ls -A "$tmp/in")" = "$(basename "$f")" ] || { okk=0; echo "  beside the input: $(ls -A "$tmp/in")"; }
    [ -z "$(ls -A "$tmp/tmpdir")" ] || { okk=0; echo "  in TMPDIR: $(ls -A "$tmp/tmpdir")"; }
    if [ $okk -eq 1 ]; then ok "$name: exit 2, $(head -c 160 "$tmp/err")"; else
        bad "$name: exit $rc, $(head -c 300 "$tmp/err")"; fi
    rm -f "$f"
    rm -rf "${tmp:?}/tmpdir/"*
}
# mutate NAME SOURCE WORDS... < edit: copy SOURCE to $tmp/in/NAME.fst, run the edit
# (a command line reading $F), check the refusal.
mutate() {
    local name=$1 src=$tmp/src/$2.fst edit
    shift 2
    F=$tmp/in/$name.fst
    cp "$src" "$F"
    read -r edit
    eval "$edit"
    refused "$name" "$F" "$@"
}

for s in lz4 zlib icarus; do
    f=$tmp/src/$s.fst
    read -r hp hl <<<"$(block "$f" 4,6,7)"
    read -r vp vl <<<"$(block "$f" 1,5,8)"
    read -r gp gl <<<"$(block "$f" 3)"
    size=$(stat -c %s "$f")
    mutate "$s-hier-3GB" $s "corrupt FST file" "the hierarchy claims 3170000000 bytes" <<<'put64 "$F" $((hp + 9)) 3170000000'
    mutate "$s-maxhandle" $s "corrupt FST file" "variables but 1099511627776 handles" <<<'put64 "$F" $((9 + 48)) 1099511627776'
    mutate "$s-var-count" $s "corrupt FST file" "1000000 variables in a hierarchy of" <<<'put64 "$F" $((9 + 40)) 1000000'
    mutate "$s-geom-uclen" $s "corrupt FST file" "geometry block" "1099511627776 bytes" <<<'put64 "$F" $((gp + 9)) 1099511627776'
    mutate "$s-traversal" $s "corrupt FST file" "traversal memory 1125899906842624" <<<'put64 "$F" $((vp + 9 + 16)) 1125899906842624'
    mutate "$s-times" $s "corrupt FST file" "for 1099511627776 times" <<<'put64 "$F" $((vp + vl + 1 - 8)) 1099511627776'
    mutate "$s-block-past-end" $s "truncated FST file" "needs 1000001 bytes" <<<'put64 "$F" $((vp + 1)) 1000000'
    mutate "$s-block-length-3" $s "corrupt FST file" "has length 3" <<<'put64 "$F" $((vp + 1)) 3'
    mutate "$s-unknown-type" $s "corrupt FST file" "unknown type 77" <<<'put8 "$F" $vp 77'
    mutate "$s-unfinished" $s "truncated FST file" "never finished" <<<'put8 "$F" $hp 255'
    mutate "$s-two-hierarchies" $s "corrupt FST file" "a second hierarchy block" <<<'tail -c +$((hp + 1)) "$tmp/src/$s.fst" >>"$F"'
    mutate "$s-header-twice" $s "corrupt FST file" "the header must come first and only once" <<<'put8 "$F" $vp 0'
    for cut in 9 100 329 330 $((vp + 20)) $hp $((hp + 5)) $((size - 1)); do
        mutate "$s-cut-$cut" $s "truncated FST file" <<<'head -c $cut "$tmp/src/$s.fst" >"$F"'
    done
done

# Random corruptions of 1 to 10 bytes, under ASan+UBSan: never a crash, nothing left.
crashes=0 left=0 n=0
for s in lz4 zlib icarus; do
    size=$(stat -c %s "$tmp/src/$s.fst")
    for i in $(seq 1 70); do
        F=$tmp/in/r.fst
        cp "$tmp/src/$s.fst" "$F"
        LC_ALL=C awk -v seed=$((SEED * 100000 + i * 10 + ${#s})) -v size="$size" 'BEGIN { srand(seed);
            k = 1 + int(rand() * 10); for (j = 0; j < k; j++) printf "%d %d\n", int(rand() * size), int(rand() * 256) }' |
            while read -r off val; do put8 "$F" "$off" "$val"; done
        TMPDIR=$tmp/tmpdir "$ALOGQ" wavediff "$F" "$tmp/src/$s.fst" --quiet >/dev/null 2>"$tmp/err"
        rc=$?
        n=$((n + 1))
        if [ $rc -gt 2 ] || grep -q Sanitizer "$tmp/err"; then
            crashes=$((crashes + 1)); echo "  $s corruption $i: exit $rc"; head -3 "$tmp/err"
        fi
        if [ "$(ls -A "$tmp/in")" != r.fst ] || [ -n "$(ls -A "$tmp/tmpdir")" ]; then
            left=$((left + 1)); echo "  $s corruption $i left: $(ls -A "$tmp/in" "$tmp/tmpdir" | tr '\n' ' ')"
            rm -rf "${tmp:?}/tmpdir/"*
        fi
        rm -f "$tmp/in/"*
    done
done
[ $crashes -eq 0 ] && ok "$n random corruptions (ASan): exit 0, 1 or 2, no sanitizer report" ||
    bad "$crashes of $n random corruptions crashed"
[ $left -eq 0 ] && ok "$n random corruptions: no file left beside the input or in TMPDIR" ||
    bad "$left of $n random corruptions left files"
