#!/usr/bin/env bash
# scripts/vlrt-cache.sh, Verilator's OBJCACHE under make, with a fake compiler that logs
# its calls: the runtime (verilated*.cpp) is compiled once per set of flags, whatever
# -include header a build adds, and its object and dependency file are copied into
# later builds; any other source compiles as given, every time; with no cache
# directory set it only runs the compile.
. "$(dirname "$0")/lib.sh"
w=$root/scripts/vlrt-cache.sh
cc=$tmp/fakecc
# fakecc ARGS... -o OUT SRC: logs its arguments, writes OUT (its flags) and OUT's .d
cat >"$cc" <<'CC'
#!/usr/bin/env bash
echo "$*" >>"$FAKE_LOG"
out=""; for ((i = 1; i <= $#; i++)); do [ "${!i}" = -o ] && { j=$((i + 1)); out=${!j}; }; done
echo "object of: $*" >"$out"
echo "${out}: dependencies" >"${out%.o}.d"
CC
chmod +x "$cc"
src=$tmp/inc/verilated.cpp
mkdir -p "$tmp/inc" "$tmp/b1" "$tmp/b2" "$tmp/b3"
echo 'int x;' >"$src"
echo 'int t;' >"$tmp/inc/tb.cpp"
export FAKE_LOG=$tmp/calls LOGQ_VLRT_CACHE=$tmp/cache
(cd "$tmp/b1" && "$w" "$cc" -I. "-I$tmp/inc" -DVM_TRACE=0 -O1 -include "$tmp/b1/cfg.h" "-I$tmp/b1" -DTOP=b1 -c -o verilated.o "$src")
(cd "$tmp/b2" && "$w" "$cc" -I. "-I$tmp/inc" -DVM_TRACE=0 -O1 -include "$tmp/b2/cfg.h" "-I$tmp/b2" -DTOP=b2 -c -o verilated.o "$src")
if [ "$(wc -l <"$tmp/calls")" -eq 1 ] && ! grep -qE -- '-include|-I/.*/b1|TOP' "$tmp/calls" &&
   grep -q -- "-I\. -I$tmp/inc -DVM_TRACE=0 -O1 -c" "$tmp/calls" &&
   cmp -s "$tmp/b1/verilated.o" "$tmp/b2/verilated.o" && cmp -s "$tmp/b1/verilated.d" "$tmp/b2/verilated.d"; then
    ok "vlrt-cache: the runtime compiled once for two builds (without their -include, -I and -D; with its own), copied to the second"
else bad "vlrt-cache: runtime calls: $(cat "$tmp/calls")"; fi
(cd "$tmp/b3" && "$w" "$cc" -I. "-I$tmp/inc" -DVM_TRACE=0 -O2 -include "$tmp/b3/cfg.h" -c -o verilated.o "$src")
(cd "$tmp/b3" && "$w" "$cc" -I. "-I$tmp/inc" -DVM_TRACE=1 -O2 -include "$tmp/b3/cfg.h" -c -o verilated.o "$src")
if [ "$(wc -l <"$tmp/calls")" -eq 3 ] && grep -q 'VM_TRACE=1 -O2' "$tmp/b3/verilated.o"; then
    ok "vlrt-cache: other flags or another VM_ macro, another compile"
else bad "vlrt-cache: -O2 did not compile anew: $(cat "$tmp/calls")"; fi
echo 'int y;' >"$src"
(cd "$tmp/b2" && "$w" "$cc" -I. "-I$tmp/inc" -DVM_TRACE=0 -O1 -include "$tmp/b2/cfg.h" -c -o verilated.o "$src")
if [ "$(wc -l <"$tmp/calls")" -eq 4 ]; then ok "vlrt-cache: a changed runtime source compiles anew"
else bad "vlrt-cache: a changed source came from the cache"; fi
: >"$tmp/calls"
for b in b1 b2; do (cd "$tmp/$b" && "$w" "$cc" -O1 -include "$tmp/$b/cfg.h" -c -o tb.o "$tmp/inc/tb.cpp"); done
if [ "$(grep -c -- '-include' "$tmp/calls")" -eq 2 ]; then ok "vlrt-cache: other sources compile as given, each time"
else bad "vlrt-cache: tb.cpp calls: $(cat "$tmp/calls")"; fi
: >"$tmp/calls"
(cd "$tmp/b1" && LOGQ_VLRT_CACHE='' "$w" "$cc" -O1 -include x.h -c -o verilated.o "$src")
if grep -q -- '-include x.h' "$tmp/calls"; then ok "vlrt-cache: no cache directory, the compile as given"
else bad "vlrt-cache: without LOGQ_VLRT_CACHE: $(cat "$tmp/calls")"; fi
