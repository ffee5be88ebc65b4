#!/usr/bin/env bash
# `make help` is generated from the "#help TARGET text" lines of Makefile and mk/*.mk:
# every .PHONY target that has a rule has its line, and the targets issue 12 found
# missing are listed.
. "$(dirname "$0")/lib.sh"
cd "$root" || exit 1
help=$(make --no-print-directory help 2>&1)
files=(Makefile $(ls mk/*.mk))
missing=""
for t in $(sed -n 's/^\.PHONY: *//p' "${files[@]}" | tr ' ' '\n' | sort -u); do
    grep -q "^$t:" "${files[@]}" || continue   # declared only
    grep -q "^make $t " <<<"$help" || missing="$missing $t"
done
if [ -z "$missing" ]; then ok "make help lists every .PHONY target with a rule"
else bad "make help lacks:$missing"; fi
for t in xsim logacc-cosim slq-sim slq-mac-sim nn-rtl fusesoc waves-png icarus systemc; do
    if grep -q "^make $t " <<<"$help"; then ok "make help lists $t"; else bad "make help lacks $t"; fi
done
