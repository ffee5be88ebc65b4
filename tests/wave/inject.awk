# Copy a VCD with one value changed, to prove that `logq wavediff` catches it:
#   awk -v path=bench.dut.m_acc -v t=65000 -f tests/wave/inject.awk in.vcd > out.vcd
# flips the last bit of the first change of variable `path` (its full dotted path)
# at time t (in the file's ticks). Prints "inject: ..." to stderr, or fails.
$1 == "$scope" { scope[++depth] = $3 }
$1 == "$upscope" { depth-- }
$1 == "$var" {
    p = ""
    for (i = 1; i <= depth; i++) p = p scope[i] "."
    if (p $5 == path) id = $4
}
/^#/ { now = substr($1, 2) }
!done && id != "" && now == t {
    if ($0 ~ /^[bB]/ && $2 == id) { v = $1; $0 = substr(v, 1, length(v) - 1) flip(substr(v, length(v))) " " id; done = 1 }
    else if ($0 ~ /^[01xzXZ]/ && substr($1, 2) == id) { $0 = flip(substr($1, 1, 1)) id; done = 1 }
    if (done) printf "inject: %s at %s: now %s\n", path, t, $0 > "/dev/stderr"
}
{ print }
function flip(c) { return c == "1" ? "0" : "1" }
END { if (!done) { printf "inject: no change of %s at %s\n", path, t > "/dev/stderr"; exit 1 } }
