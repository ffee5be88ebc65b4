"""cocotb bench of a generated MAC array (`logq gen mac`): Python drives the array
under Icarus through its valid/ready streams with random stalls on both sides and
checks every sum against the C model through the binding (logq.Mac of the array's own
NAME.h). Vectors have random lengths (1 .. MAX_VEC_BEATS beats) and random codes,
biased to the corners (all-zero and all-ones codes, the largest and the zero log codes).

Environment: LOGQ_HEADER (the array's NAME.h), SEED, VECTORS, STALL (percent),
MAX_VEC_BEATS; MODEL_FAULT=1 (test only) checks against a deliberately wrong model."""

import os
import random

import cocotb
import numpy as np

import logq
from streams import reset, stream


def codes(rng, n, bits):
    """n random codes of width bits, a quarter of them corners."""
    top = (1 << bits) - 1
    out = []
    for _ in range(n):
        r = rng.random()
        out.append(0 if r < 0.08 else top if r < 0.16 else (1 << (bits - 1)) - 1 if r < 0.25
                   else rng.randrange(top + 1))
    return out


def pack(lanes, bits):
    v = 0
    for i, c in enumerate(lanes):
        v |= c << (i * bits)
    return v


@cocotb.test()
async def mac_sums_equal_the_model(dut):
    seed = int(os.environ.get("SEED", "1"))
    nvec = int(os.environ.get("VECTORS", "200"))
    stall = int(os.environ.get("STALL", "30"))
    maxb = int(os.environ.get("MAX_VEC_BEATS", "6"))
    rng = random.Random(seed)
    m = logq.Mac.from_header(os.environ["LOGQ_HEADER"],
                             fault=os.environ.get("MODEL_FAULT") == "1")
    n, ab, wb = m.cfg.lanes, m.cfg.a.bits, m.cfg.w.bits
    dut._log.info("seed %d, %d vectors, %d%% stalls, %d lanes, model %s", seed, nvec, stall, n,
                  m.widths)

    # The stimulus and the model's sums, computed before the run.
    vectors = []
    for _ in range(nvec):
        nb = rng.randint(1, maxb)
        vectors.append(([codes(rng, n, ab) for _ in range(nb)], [codes(rng, n, wb) for _ in range(nb)]))
    want = []
    for a, w in vectors:
        want.append(int(m.run(np.array([a]), np.array([w]))[0]))
    beats = [(pack(a[b], ab), pack(w[b], wb), int(b == len(a) - 1)) for a, w in vectors
             for b in range(len(a))]

    await reset(dut, ("s_valid", "m_ready", "s_a", "s_w", "s_last"))
    items, sent, cycles = await stream(
        dut, [{"s_a": a, "s_w": w, "s_last": last} for a, w, last in beats], nvec, rng,
        stall, "s_valid", "s_ready", "m_valid", "m_ready", {"m_sum": True})
    got = [v for (v,) in items]
    bad = [i for i, (g, e) in enumerate(zip(got, want)) if g != e]
    for i in bad[:5]:
        dut._log.error("MISMATCH vector %d: RTL %d, model %d", i, got[i], want[i])
    dut._log.info("%d beats, %d sums checked against the model, %d mismatches, %d cycles",
                  sent, len(got), len(bad), cycles)
    assert len(got) == nvec, f"only {len(got)} of {nvec} sums in {cycles} cycles"
    assert not bad, f"{len(bad)} of {nvec} sums differ from the model"
