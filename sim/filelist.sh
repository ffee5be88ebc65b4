# Sourced by the scripts that build a generated block (sim/icarus/run.sh,
# sim/xsim/verilator.sh, sim/verilator/net_build.sh):
#   rtl_sources DIR LIST   sets srcs to the Verilog files named in LIST (a NAME.f the
#                          generator wrote: one file a line, // and # comments and
#                          blank lines skipped), each with DIR/ in front.
rtl_sources() {
    local f
    srcs=()
    while read -r f; do
        case $f in '' | //* | '#'*) ;; *) srcs+=("$1/$f") ;; esac
    done <"$2"
}
