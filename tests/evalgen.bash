# Checks shared by the tests of `logq eval` on weight files (tests/nn.sh,
# tests/nn_conv.sh); source after tests/lib.sh, with DATA set.

# eval_refuses KIND NAME WORDS...: `logq eval` of $tmp/m.txt must exit 2 with nothing on
# stdout and every WORD in its message (the file, the line, the value).
eval_refuses() {
    local kind=$1 name=$2 rc okk=1
    shift 2
    "$LOGQ" eval --data "$DATA" --weights "$tmp/m.txt" --quick >"$tmp/m.out" 2>"$tmp/m.err"
    rc=$?
    [ $rc -eq 2 ] && [ ! -s "$tmp/m.out" ] || okk=0
    for w in "$@"; do grep -qF -- "$w" "$tmp/m.err" || okk=0; done
    if [ $okk -eq 1 ]; then ok "malformed $kind refused: $name"; else
        bad "malformed $kind: $name (exit $rc)"; head -3 "$tmp/m.err"; fi
}
