#!/usr/bin/env bash
# make test-long: planted breakages of the logdot model's fast paths (cmodel/logdot.c),
# each of which tests/unit/test_logdot_fast.c must catch. Each breakage is a literal
# one-line replacement in a copy of cmodel/ (a pattern that no longer matches is a
# FAIL: the list must follow the code); the test is built against the copy with the
# library's flags and must exit non-zero with FAIL lines; the unbroken copy must pass.
# About 7 minutes of CPU with the wide path's. docs/bench.md ("Fourth round" to "Seventh
# round") lists the breakages; the wide path's run only where the CPU has AVX-512 VBMI
# (elsewhere the test cannot take that path, so it could not catch them).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
CC=${CC:-gcc}
CFLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -O2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# name|pattern|replacement
breaks='none (the control: must pass)||
byte states without the signs rule|_mm_slli_epi16(_mm_and_si128(_mm_and_si128(x, y), one), 1)|_mm_setzero_si128()
byte table of codes 16-31 off by one|_mm_sub_epi8(c, _mm_set1_epi8(0x10))|_mm_sub_epi8(c, _mm_set1_epi8(0x0f))
a last on the first pair'"'"'s second beat ignored|l1 = last && last[b + 1];|l1 = last && last[b + 1] && b > 0;
the last pair'"'"'s quads not loaded|if (b + 4 <= nb) {|if (b + 4 < nb) {
a packed correction index cut to 8 bits|t[(x >> 16) & 0xffff]|t[(x >> 16) & 0xff]
scalar steps: a last on a call'"'"'s last beat ignored|w + (size_t)b * n, last && last[b],|w + (size_t)b * n, last && last[b] && b + 1 < nb,
a pair'"'"'s running sums in the wrong order|run = simd_run(m, k, paper, run, r, l0,|run = simd_run(m, k, paper, run, _mm_unpackhi_epi64(r, r), l0,
a zero'"'"'s byte part 0x40 (the byte states refused)|return x.zero ? 0x80|return x.zero ? 0x40
the beat count after a pair'"'"'s first-beat last off by one|b0 = l0 ? b + 1 : b0;|b0 = l0 ? b : b0;'
if grep -qw avx512vbmi /proc/cpuinfo 2>/dev/null; then
    breaks=$breaks'
wide: the third level'"'"'s block shuffle|_mm512_shuffle_i64x2(qp[0], qp[1], 0x88)|_mm512_shuffle_i64x2(qp[0], qp[1], 0x8a)
wide: the negative tree'"'"'s byte mask|(__mmask64)0xff00ff00ff00ff00ULL|(__mmask64)0xff00ff00ff00ff01ULL
wide: the first level'"'"'s maximum unsigned (a zero the larger)|_mm512_max_epi8(t, _mm512_srli_epi16(t, 8))|_mm512_max_epu8(t, _mm512_srli_epi16(t, 8))
wide: a running sum far below its root gives the sum|x = u > 0 ? s : r;|x = u > 0 ? r : s;
wide: a vector'"'"'s first beat within a chunk one beat late|fm = (lm << 1|fm = (lm << 2
wide: a vector'"'"'s first beat at a chunk'"'"'s start not fresh|carry = lm >> (nrb - 1) & 1;|carry = 0;
wide: chunks saturate only from vmax|int64_t satlo = m->acc.vmax - WIDE_CHUNK * (int64_t)f->corr[0];|int64_t satlo = m->acc.vmax;
wide: the last chunk'"'"'s last running sum skipped|                if (j < nrb)|                if (j < nrb - (c == nc + WIDE_DELAY - 1))'
fi
n=0
while IFS='|' read -r name from to; do
    n=$((n + 1))
    d=$tmp/$n
    mkdir -p "$d"
    cp -r cmodel "$d/cmodel"
    if [ -n "$from" ]; then
        if ! python3 - "$d/cmodel/logdot.c" "$from" "$to" <<'PY'
import sys
p, f, t = sys.argv[1:4]
s = open(p).read()
if s.count(f) < 1:
    sys.exit(1)
open(p, "w").write(s.replace(f, t, 1))
PY
        then
            echo "FAIL: logdot break: $name: the pattern is not in cmodel/logdot.c"
            continue
        fi
    fi
    if ! $CC $CFLAGS -I"$d" -Igen tests/unit/test_logdot_fast.c "$d"/cmodel/*.c -o "$d/t" -lm -lz \
        >"$d/build.log" 2>&1; then
        echo "FAIL: logdot break: $name: does not build"; head -5 "$d/build.log"
        continue
    fi
    "$d/t" >"$d/run.log" 2>&1
    rc=$? fails=$(grep -c '^FAIL' "$d/run.log")
    if [ -z "$from" ]; then
        if [ $rc -eq 0 ] && [ "$fails" -eq 0 ]; then
            echo "PASS: logdot break: $name"
        else
            echo "FAIL: logdot break: $name (exit $rc, $fails FAIL lines)"
        fi
    elif [ $rc -ne 0 ] && [ "$fails" -gt 0 ]; then
        echo "PASS: logdot break: $name: caught ($(grep '^FAIL' "$d/run.log" | sed 's/^FAIL: //; s/ (.*//' | tr '\n' ' '))"
    else
        echo "FAIL: logdot break: $name: not caught (exit $rc)"
    fi
done <<<"$breaks"
