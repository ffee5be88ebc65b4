# The preamble every test script shares; source it first:
#     . "$(dirname "$0")/lib.sh"
# It sets root (the source tree), BUILD and LOGQ (both made absolute), tmp (a private
# directory, removed at exit), ok NAME / bad NAME (print the PASS / FAIL lines the
# runner counts; PREFIX tells a sanitizer run apart), and lq_seed NAME: seed from
# $SEED (default 1, fixed so a failure reproduces), with the line that reruns it.
set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
case $LOGQ in /*) ;; *) LOGQ=$PWD/$LOGQ ;; esac
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "PASS: ${PREFIX:-}$1"; }
bad() { echo "FAIL: ${PREFIX:-}$1"; }
lq_seed() {
    seed=${SEED:-1}
    echo "$1: seed $seed (rerun: SEED=$seed BUILD=$BUILD LOGQ=$LOGQ bash tests/$1)"
}
# view_signals VIEW VCD: every signal a GTKWave view names (plain rows, and each bit of
# the lanes it splits: "#{ALIAS} (k)PATH[W-1:0] ...") against the full paths (scopes
# joined by dots) the VCD declares. Prints "N M" (signals named, of them missing) and
# then each missing path, one a line.
view_signals() {
    awk '
        FNR == 1 { file++ }
        file == 1 && $1 == "$scope" { stack[++depth] = $3; next }
        file == 1 && $1 == "$upscope" { depth--; next }
        file == 1 && $1 == "$var" {
            p = ""
            for (i = 1; i <= depth; i++) p = p stack[i] "."
            have[p $5] = 1
            next
        }
        file == 2 && /^#\{/ {
            for (i = 2; i <= NF; i++) { s = $i; sub(/^\([0-9]+\)/, "", s); want(s) }
            next
        }
        file == 2 && /^[^[@*#-]/ && NF == 1 { want($1) }
        function want(s) { sub(/\[[0-9]+:[0-9]+\]$/, "", s); if (!(s in seen)) { seen[s] = 1; order[++n] = s } }
        END {
            m = 0
            for (i = 1; i <= n; i++) if (!(order[i] in have)) miss[++m] = order[i]
            print n, m
            for (i = 1; i <= m; i++) print miss[i]
        }
    ' "$2" "$1"
}
# ready_registered DIR TOP: every input stream's ready of TOP is ~(a flip-flop) (the
# --skid check of docs/interfaces.md: Yosys, the fan-in cone of every output *_ready and
# *_tready cut at flip-flops holds no input port and no cell but an inverter, and reaches
# a flip-flop; the log is DIR.ys.log).
ready_registered() {
    local srcs
    srcs=$(grep -v '^//' "$1/$2.f" | sed "s|^|$1/|" | tr '\n' ' ')
    local ff='t:$dff t:$sdff t:$sdffe t:$sdffce t:$dffe t:$adff %u %u %u %u %u'
    yosys -q -p "read_verilog $srcs; hierarchy -top $2; proc; flatten; opt_clean;
        select -set ready o:*_ready o:*_tready %u;
        select -assert-min 1 @ready;
        select -set cone @ready %ci*:-\$dff,\$sdff,\$sdffe,\$sdffce,\$dffe,\$adff;
        select -assert-none @cone i:* %i;
        select -assert-none @cone c:* %i t:\$not %d;
        select -assert-min 1 @cone w:* %i @ready %d %ci1 $ff %i" >"$1.ys.log" 2>&1
}
