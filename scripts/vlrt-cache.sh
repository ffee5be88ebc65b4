#!/usr/bin/env bash
# Verilator's OBJCACHE (the Makefile exports OBJCACHE=this script and LOGQ_VLRT_CACHE):
# every Verilator build compiles the same runtime, verilated.cpp and
# verilated_threads.cpp, about 4 of the 7 CPU seconds a small harness's build takes, and
# `make test` makes over a hundred builds. So the runtime's objects are compiled once per
# set of flags into $LOGQ_VLRT_CACHE and copied from there; every other compile runs
# as given. What a harness's configuration adds to every compile of its build (an
# -include header, -I directories, -D macros) is left out of the runtime's: the runtime
# reads only its own directory's headers and its own macros (VM_*, VL_*, SYSTEMC*), and
# with them every configuration would be a different compile.
# Called by Verilator's makefile as: vlrt-cache.sh CXX ARGS... -c -o OUT SRC
set -euo pipefail
src=${!#}
cache=${LOGQ_VLRT_CACHE:-}
case $src in */verilated*.cpp) ;; *) exec "$@" ;; esac
[ -n "$cache" ] || exec "$@"

inc=$(dirname "$src")
cmd=() out=""
while [ $# -gt 0 ]; do
    case $1 in
    -include | -I | -D | -U) shift 2 ;;
    -I. | -I"$inc"*) cmd+=("$1"); shift ;;
    -I*) shift ;;
    -[DU]VM_* | -[DU]VL_* | -[DU]SYSTEMC*) cmd+=("$1"); shift ;;
    -[DU]*) shift ;;
    -o) out=$2; cmd+=("$1" "$2"); shift 2 ;;
    *) cmd+=("$1"); shift ;;
    esac
done
[ -n "$out" ] || exec "${cmd[@]}"
# the key: the flags (the output's name but not its directory) and the source's text
key=$({ printf '%s\n' "${cmd[@]}"; md5sum <"$src"; } | md5sum | cut -c1-16)
base=${out%.o}
mkdir -p "$cache"
exec 9>"$cache/$key.lock"
flock 9 # a second build of the same key waits for the first's objects
if [ ! -f "$cache/$key.o" ]; then
    "${cmd[@]}"
    cp "$out" "$cache/$key.o.tmp"
    [ -f "$base.d" ] && cp "$base.d" "$cache/$key.d"
    mv "$cache/$key.o.tmp" "$cache/$key.o" # last: a complete object or none
else
    cp "$cache/$key.o" "$out"
    [ -f "$cache/$key.d" ] && cp "$cache/$key.d" "$base.d"
fi
exit 0
