"""cocotb bench of the hardware log quantizer (`logq gen quant`, docs/quant.md):
Python drives the block under Icarus with random stalls on both sides and checks every
lane's code and the passed-through `last` of every beat against the C model through
the binding (logq.Quantizer of the block's own NAME.h). Inputs are random A-bit
fields biased to the corners: zero, +-1, the extremes, every power of two and its
neighbours (where the leading one and the rounding thresholds move).

Environment: LOGQ_HEADER (the block's NAME.h), SEED, BEATS, STALL (percent);
MODEL_FAULT=1 (test only) checks against a deliberately wrong model."""

import os
import random

import cocotb
import numpy as np

import logq
from streams import reset, stream


def field(rng, a, signed):
    top = (1 << a) - 1
    r = rng.random()
    if r < 0.15:
        v = rng.choice([0, 1, top, top >> 1, 1 << (a - 1), (1 << (a - 1)) + 1])
    elif r < 0.6:   # a power of two or a neighbour, either sign
        p = 1 << rng.randrange(a - 1 if signed else a)
        v = (p + rng.choice([-1, 0, 1])) & top
        if signed and rng.random() < 0.5:
            v = (-v) & top
    else:
        v = rng.randrange(top + 1)
    return v


@cocotb.test()
async def quantizer_codes_equal_the_model(dut):
    seed = int(os.environ.get("SEED", "1"))
    nbeats = int(os.environ.get("BEATS", "400"))
    stall = int(os.environ.get("STALL", "30"))
    rng = random.Random(seed)
    q = logq.Quantizer.from_header(os.environ["LOGQ_HEADER"],
                                   fault=os.environ.get("MODEL_FAULT") == "1")
    n, a, b = q.cfg.lanes, q.cfg.in_bits, q.cfg.out.bits
    dut._log.info("seed %d, %d beats, %d%% stalls, %d lanes of %d bits to %d-bit codes", seed,
                  nbeats, stall, n, a, b)
    fields = np.array([[field(rng, a, q.cfg.in_signed) for _ in range(n)] for _ in range(nbeats)])
    lasts = [int(rng.random() < 0.2) for _ in range(nbeats)]
    want = q.run(fields)

    await reset(dut, ("s_valid", "m_ready", "s_data", "s_last"))
    beats = [{"s_data": sum(int(v) << (i * a) for i, v in enumerate(row)), "s_last": last}
             for row, last in zip(fields, lasts)]
    items, sent, cycles = await stream(dut, beats, nbeats, rng, stall, "s_valid", "s_ready",
                                       "m_valid", "m_ready", {"m_data": False, "m_last": False})
    bad = []
    for k, (data, last) in enumerate(items):
        codes = [(data >> (i * b)) & ((1 << b) - 1) for i in range(n)]
        if codes != want[k].tolist() or last != lasts[k]:
            bad.append(k)
            if len(bad) <= 5:
                dut._log.error("MISMATCH beat %d: fields %s: RTL codes %s last %d, model %s "
                               "last %d", k, fields[k].tolist(), codes, last, want[k].tolist(),
                               lasts[k])
    dut._log.info("%d beats, %d beats of %d lanes checked against the model, %d mismatches, "
                  "%d cycles", sent, len(items), n, len(bad), cycles)
    assert len(items) == nbeats, f"only {len(items)} of {nbeats} beats in {cycles} cycles"
    assert not bad, f"{len(bad)} of {nbeats} beats differ from the model"
