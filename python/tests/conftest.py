"""Shared helpers of the binding's tests: the C command line they compare with
(LOGQ, default build/logq of this checkout) and the seed (SEED, default 1)."""

import os
import re
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.fixture(scope="session")
def cli():
    path = os.path.abspath(os.environ.get("LOGQ", os.path.join(ROOT, "build", "logq")))
    if not os.path.exists(path):
        pytest.fail(f"the logq command line {path} is not built (make build/logq)")

    def run(*args, stdin=None):
        r = subprocess.run([path, *map(str, args)], input=stdin, capture_output=True, text=True)
        if r.returncode != 0:
            pytest.fail(f"logq {' '.join(map(str, args))}: exit {r.returncode}: {r.stderr}")
        return r.stdout
    return run


@pytest.fixture(scope="session")
def seed():
    s = int(os.environ.get("SEED", "1"))
    print(f"seed {s} (rerun: SEED={s} tests/python.sh)")
    return s


def header_defines(path, prefix="LOGQ_MAC"):
    """The integer #defines PREFIX_KEY of a generated NAME.h."""
    out = {}
    for line in open(path):
        m = re.match(r"#define " + prefix + r"_(\w+) (-?\d+)u?\b", line)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


def read_hex(path):
    return [int(l, 16) for l in open(path) if l.strip() and not l.startswith("//")]


def fields(value, widths):
    """Split an integer into consecutive bit fields, the first in the LSBs (the layout
    `logq vectors` writes: bw_put order)."""
    out = []
    for w in widths:
        out.append(value & ((1 << w) - 1))
        value >>= w
    return out


def signed(v, bits):
    return v - (1 << bits) if v >> (bits - 1) else v
