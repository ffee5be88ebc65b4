# Shared by the FPGA test scripts (tests/fpga_*.sh): PASS/FAIL lines and a private
# work directory. Source it after setting BUILD; `fpga_workdir NAME` sets W,
# `fpga_finish` removes W when every check passed (else prints its path) and exits 0.
nfail=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; nfail=$((nfail + 1)); }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
# A private work directory: several test runs may share one tree at the same time.
fpga_workdir() {
    mkdir -p "$BUILD/test-fpga"
    W=$(mktemp -d "$BUILD/test-fpga/$1.XXXXXX")
    echo "work directory: $W"
}
fpga_finish() {
    if [ "$nfail" -eq 0 ]; then rm -rf "$W"; else echo "kept for inspection: $W"; fi
    exit 0
}
