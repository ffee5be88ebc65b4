# The preamble every test script shares; source it first:
#     . "$(dirname "$0")/lib.sh"
# It sets root (the source tree), BUILD, LOGQ (made absolute), tmp (a private
# directory, removed at exit), ok NAME / bad NAME (print the PASS / FAIL lines the
# runner counts; PREFIX tells a sanitizer run apart), and lq_seed NAME: seed from
# $SEED (default 1, fixed so a failure reproduces), with the line that reruns it.
set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
case $LOGQ in /*) ;; *) LOGQ=$PWD/$LOGQ ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "PASS: ${PREFIX:-}$1"; }
bad() { echo "FAIL: ${PREFIX:-}$1"; }
lq_seed() {
    seed=${SEED:-1}
    echo "$1: seed $seed (rerun: SEED=$seed BUILD=$BUILD LOGQ=$LOGQ bash tests/$1)"
}
