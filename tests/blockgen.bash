# Checks shared by tests/quant.sh, tests/logdot.sh and tests/slqdot.sh (sourced after
# tests/lib.sh; not a test script itself).
#
# block_test BLOCK VAR N LONG: the rest of the preamble: ROOT, BUILD_ABS,
#   OUT=$BUILD/BLOCK-test (made), SEED from $SEED or the older BLOCK_SEED (upper case;
#   make BLOCK-cosim passes it) with lib.sh's rerun line, VAR (the run's length) N, or
#   LONG with LOGQ_LONG=1, and pass / fail: PASS / FAIL lines "BLOCK ...".
# opt_value OPTION DEFAULT ARGS...: the value ARGS give OPTION ("--frac"), or DEFAULT.
# wrong_model_fails BLOCK DIR OPTIONS...: the Icarus bench of DIR/rtl on `logq vectors
#   BLOCK OPTIONS --wrong-model` must fail with a report (exit 1, MISMATCH, 2 errors).
# gen_lint NAME DIR BLOCK OPTIONS...: `logq gen BLOCK OPTIONS --tb -o DIR/rtl` (the
#   module keeps the block's default name), the same again must give byte-identical
#   files, then verilator --lint-only -Wall -f BLOCK.f and iverilog -g2005
#   -gstrict-expr-width -Wall on the files of BLOCK.f, both with no output at all.
#   Returns 1 when the generation failed.
# refuse_gen BLOCK WORD OPTIONS...: `logq gen BLOCK OPTIONS -o DIR` must exit 2, write
#   nothing, print nothing on stdout and name WORD in its message.
# cosim_build DIR BLOCK DEPS...: DIR/Vtb, the Verilator build of
#   sim/verilator/BLOCK_tb.cpp with the Verilog of DIR/rtl/BLOCK.f (top BLOCK, BLOCK.h
#   included first) and liblogq.a; kept while those and DEPS (paths below the root)
#   are unchanged. Returns 1 when the build failed (DIR/build.log).
# icarus_bench NAME DIR BLOCK VOPTS OPTIONS...: `logq vectors BLOCK OPTIONS VOPTS --seed
#   $SEED -o DIR/vec`; the Icarus bench must pass on them and be the one gen --tb wrote.
# asan_gen WHAT BLOCK "GEN OPTIONS" ["VECTORS OPTIONS"]: the sanitizer build
#   ($BUILD/asan/logq) generates (and writes vectors for) one large configuration.
# fusesoc_lint BLOCK RTL_DIR: `fusesoc run --target lint` on RTL_DIR/BLOCK.core (its
#   VLNV read from the core).
. "$root/sim/filelist.sh"

block_test() {
    local old
    old=$(echo "$1" | tr a-z A-Z)_SEED
    block_name=$1
    ROOT=$root
    BUILD_ABS=$BUILD
    OUT=$BUILD/$1-test
    [ -n "${!old:-}" ] && SEED=${!old}
    lq_seed "$1.sh"
    SEED=$seed
    if [ -n "${LOGQ_LONG:-}" ]; then printf -v "$2" %s "$4"; else printf -v "$2" %s "$3"; fi
    mkdir -p "$OUT"
}
pass() { ok "$block_name $*"; }
fail() { bad "$block_name $*"; }

opt_value() {
    local opt=$1 dflt=$2 v
    shift 2
    v=$(echo " $* " | sed -n "s/.* $opt \([0-9]*\) .*/\1/p")
    echo "${v:-$dflt}"
}

gen_lint() {
    local name=$1 dir=$2 block=$3
    shift 3
    mkdir -p "$dir"
    rm -rf "$dir/rtl" "$dir/rtl.first"
    if ! "$LOGQ" gen "$block" "$@" --tb -o "$dir/rtl" >"$dir/gen.log" 2>&1; then
        fail "$name gen ($*)"
        cat "$dir/gen.log"
        return 1
    fi
    cp -r "$dir/rtl" "$dir/rtl.first"
    "$LOGQ" gen "$block" "$@" --tb -o "$dir/rtl" >/dev/null 2>&1
    if diff -r "$dir/rtl" "$dir/rtl.first" >/dev/null; then
        pass "$name gen, deterministic ($(ls "$dir/rtl" | wc -l) files)"
    else
        fail "$name gen not deterministic ($*)"
    fi
    if (cd "$dir/rtl" && verilator --lint-only -Wall -f "$block.f") >"$dir/lint.log" 2>&1 &&
        ! [ -s "$dir/lint.log" ]; then
        pass "$name verilator -Wall lint"
    else
        fail "$name verilator -Wall lint ($*)"
        head -20 "$dir/lint.log"
    fi
    local srcs
    srcs=$(grep -v '^//\|^#' "$dir/rtl/$block.f")
    # shellcheck disable=SC2086
    if (cd "$dir/rtl" && iverilog -g2005 -gstrict-expr-width -Wall -o /dev/null $srcs) \
        >"$dir/ilint.log" 2>&1 && ! [ -s "$dir/ilint.log" ]; then
        pass "$name iverilog -Wall lint"
    else
        fail "$name iverilog -Wall lint ($*)"
        head -20 "$dir/ilint.log"
    fi
}

refuse_gen() {
    local block=$1 what=$2 dir=$OUT/refused
    shift 2
    rm -rf "$dir"
    "$LOGQ" gen "$block" "$@" -o "$dir" >"$OUT/refuse.out" 2>"$OUT/refuse.log"
    local rc=$?
    if [ "$rc" -eq 2 ] && ! [ -e "$dir" ] && ! [ -s "$OUT/refuse.out" ] &&
        grep -q -- "$what" "$OUT/refuse.log"; then
        pass "refuses $* ($(head -1 "$OUT/refuse.log"))"
    else
        fail "refuses $*: exit $rc, output: $(head -2 "$OUT/refuse.log")"
    fi
}

# view_in_dump BLOCK DIR: run the Icarus bench of DIR/rtl on DIR/vec with a VCD and
#   check that every signal of the generated BLOCK.gtkw view is in the dump (lib.sh's
#   view_signals: split lanes bit by bit, full paths).
view_in_dump() {
    local block=$1 dir=$2 vcd missing n m
    vcd=$dir/vec/${block}_tb.vcd
    if ! WAVES=1 "$ROOT/sim/icarus/run.sh" "$dir/rtl" "$dir/vec" >"$dir/waves.log" 2>&1; then
        fail "$block: the bench with a VCD failed"
        tail -3 "$dir/waves.log"
        return
    fi
    read -r n m < <(view_signals "$dir/rtl/$block.gtkw" "$vcd" | head -1)
    missing=$(view_signals "$dir/rtl/$block.gtkw" "$vcd" | tail -n +2 | tr '\n' ' ')
    if [ "${n:-0}" -ge 8 ] && [ "$m" = 0 ]; then
        pass "$block.gtkw: its $n signals are in the bench's dump"
    else
        fail "$block.gtkw signals in the dump ($n; missing:$missing)"
    fi
}

cosim_build() {
    local dir=$1 block=$2 stamp d deps=()
    shift 2
    for d in "$@"; do deps+=("$ROOT/$d"); done
    rtl_sources "$dir/rtl" "$dir/rtl/$block.f"
    stamp=$(cat "${srcs[@]}" "$dir/rtl/$block.h" "$ROOT/sim/verilator/${block}_tb.cpp" "${deps[@]}" \
        "$BUILD_ABS/liblogq.a" | md5sum | cut -d' ' -f1)
    if [ -x "$dir/Vtb" ] && [ "$(cat "$dir/stamp" 2>/dev/null)" = "$stamp" ]; then
        return 0
    fi
    rm -rf "$dir/obj" "$dir/Vtb"
    verilator --cc --exe --build -j 2 -Wall --x-assign unique --x-initial unique -O1 \
        --prefix Vdut --Mdir "$dir/obj" \
        -CFLAGS "-O1 -std=c++17 -I$ROOT/cmodel -include $dir/rtl/$block.h" \
        -MAKEFLAGS "OPT_FAST=-O1 OPT_SLOW=-O0 OPT_GLOBAL=-O1" --top-module "$block" \
        "${srcs[@]}" "$ROOT/sim/verilator/${block}_tb.cpp" "$BUILD_ABS/liblogq.a" \
        -o "$dir/Vtb" >"$dir/build.log" 2>&1 || return 1
    echo "$stamp" >"$dir/stamp"
}

icarus_bench() {
    local name=$1 dir=$2 block=$3 vopts=$4
    shift 4
    # shellcheck disable=SC2086
    if "$LOGQ" vectors "$block" "$@" $vopts --seed "$SEED" -o "$dir/vec" >"$dir/vec.log" 2>&1 &&
        "$ROOT/sim/icarus/run.sh" "$dir/rtl" "$dir/vec" >"$dir/icarus.log" 2>&1 &&
        grep -q '^PASSED' "$dir/icarus.log"; then
        pass "$name icarus bench ($vopts): $(grep -o '[0-9]* beats, [0-9]* outputs checked' "$dir/icarus.log")"
    else
        fail "$name icarus bench ($* $vopts)"
        tail -8 "$dir/vec.log" "$dir/icarus.log"
    fi
    if ! diff <(grep -v '^//' "$dir/rtl/${block}_tb.v") <(grep -v '^//' "$dir/vec/${block}_tb.v") >/dev/null; then
        fail "$name gen --tb and logq vectors write different benches"
    fi
}

asan_gen() {
    local what=$1 block=$2 gopts=$3 vopts=${4:-} asan=$BUILD/asan/logq
    if ! [ -x "$asan" ]; then
        fail "ASan/UBSan gen $block: $asan is missing (make $asan)"
        return
    fi
    # shellcheck disable=SC2086
    if "$asan" gen "$block" $gopts --tb -o "$OUT/asan" >"$OUT/asan.log" 2>&1 &&
        { [ -z "$vopts" ] || "$asan" vectors "$block" $vopts -o "$OUT/asan-vec" >>"$OUT/asan.log" 2>&1; }; then
        pass "ASan/UBSan $what"
    else
        fail "ASan/UBSan $what"
        tail "$OUT/asan.log"
    fi
}

fusesoc_lint() {
    local block=$1 rtl=$2 fusesoc=$BUILD_ABS/venv/bin/fusesoc vlnv
    vlnv=$(sed -n 's/^name: *//p' "$rtl/$block.core")
    if ! [ -x "$fusesoc" ]; then
        fail "fusesoc not installed ($fusesoc; make fusesoc)"
    elif "$fusesoc" --cores-root "$rtl" run --build-root "$OUT/fs-lint" --target lint "$vlnv" \
        >"$OUT/fusesoc-lint.log" 2>&1; then
        pass "fusesoc run --target lint on $block.core ($vlnv)"
    else
        fail "fusesoc run --target lint on $block.core ($vlnv)"
        tail -5 "$OUT/fusesoc-lint.log"
    fi
}

wrong_model_fails() {
    local block=$1 d=$2 rc
    shift 2
    if ! [ -d "$d/rtl" ]; then
        fail "icarus bench with a wrong model: no RTL in $d"
        return
    fi
    "$LOGQ" vectors "$block" "$@" --wrong-model -o "$d/wrong" >/dev/null 2>&1
    "$ROOT/sim/icarus/run.sh" "$d/rtl" "$d/wrong" +max-errors=2 >"$d/wrong.log" 2>&1
    rc=$?
    if [ $rc -eq 1 ] && grep -q '^MISMATCH at cycle' "$d/wrong.log" &&
        grep -q 'FAILED: 2 error(s)' "$d/wrong.log"; then
        pass "icarus bench fails on a wrong model (exit 1, report)"
    else
        fail "icarus bench with a wrong model: exit $rc"
        tail -5 "$d/wrong.log"
    fi
}
