#!/usr/bin/env python3
"""Check the conversion table of a generated logdot (NAME_lin in NAME.v) with exact
integer arithmetic, independently of the generator and its model: T is the correct
rounding of 2^(k/2^F) * 2^R iff (2T - 1)^(2^F) < 2^(k + (R+1) 2^F) < (2T + 1)^(2^F)
(no equality: an odd number to a power is odd). Usage: exp2_table.py NAME.v
Prints the number of entries checked; exit 1 on a wrong or missing entry."""
import re
import sys


def main(path):
    text = open(path).read()
    m = re.search(r"// T\[k\] = round\(2\^\(k/2\^F\) \* 2\^R\), R = (\d+), F = (\d+)", text)
    if not m:
        print(f"exp2_table: no table header in {path}")
        return 1
    r, f = int(m.group(1)), int(m.group(2))
    entries = {int(k): int(v) for k, v in re.findall(r"tab\[(\d+)\] = \d+'d(\d+);", text)}
    n = 1 << f
    # the table appears once per sign (two instances of one module): one definition
    if sorted(entries) != list(range(n)):
        print(f"exp2_table: {path}: expected entries 0..{n - 1}, found {len(entries)}")
        return 1
    bad = 0
    for k in range(n):
        t = entries[k]
        target = 1 << (k + (r + 1) * n)
        if not ((2 * t - 1) ** n < target < (2 * t + 1) ** n):
            print(f"exp2_table: {path}: T[{k}] = {t} is not round(2^({k}/{n}) * 2^{r})")
            bad += 1
    print(f"exp2_table: {n} entries of 2^(k/2^{f}) * 2^{r} exact")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
