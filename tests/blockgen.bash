# Checks shared by tests/quant.sh, tests/logdot.sh and tests/slqdot.sh (sourced; not a
# test script itself). The caller defines pass and fail (its PASS/FAIL lines) and LOGQ.
#
# gen_lint NAME DIR BLOCK OPTIONS...: `logq gen BLOCK OPTIONS --tb -o DIR/rtl` (the
#   module keeps the block's default name), the same again must give byte-identical
#   files, then verilator --lint-only -Wall -f BLOCK.f and iverilog -g2005
#   -gstrict-expr-width -Wall on the files of BLOCK.f, both with no output at all.
#   Returns 1 when the generation failed.
# refuse_gen BLOCK WORD OPTIONS...: `logq gen BLOCK OPTIONS -o DIR` must exit 2, write
#   nothing, print nothing on stdout and name WORD in its message.

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
#   check that every signal of the generated BLOCK.gtkw view is in the dump.
view_in_dump() {
    local block=$1 dir=$2 vcd missing="" n=0 s
    vcd=$dir/vec/${block}_tb.vcd
    if ! WAVES=1 "$ROOT/sim/icarus/run.sh" "$dir/rtl" "$dir/vec" >"$dir/waves.log" 2>&1; then
        fail "$block: the bench with a VCD failed"
        tail -3 "$dir/waves.log"
        return
    fi
    for s in $(grep "^${block}_tb\.dut\." "$dir/rtl/$block.gtkw" |
        sed "s/^${block}_tb\.dut\.//; s/\[[0-9]*:0\]\$//"); do
        n=$((n + 1))
        grep -q "^\$var [a-z]* [0-9]* [^ ]* ${s##*.}[ \[]" "$vcd" || missing="$missing $s"
    done
    if [ "$n" -ge 8 ] && [ -z "$missing" ]; then
        pass "$block.gtkw: its $n signals are in the bench's dump"
    else
        fail "$block.gtkw signals in the dump ($n; missing:$missing)"
    fi
}
