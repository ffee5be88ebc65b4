"""The valid/ready driver and monitor the cocotb benches share: one input stream
driven beat by beat with random idle cycles, one output stream read with random
back-pressure. Signals are driven at the falling edge and sampled in the ReadOnly
phase after it, so a handshake seen there is the one the coming rising edge takes
(no race with the design's registers)."""

from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, ReadOnly, RisingEdge

import cocotb


async def reset(dut, inputs):
    """Start a 10 ns clock, hold rst for 3 cycles with every input at 0."""
    cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
    dut.rst.value = 1
    for name in inputs:
        getattr(dut, name).value = 0
    for _ in range(3):
        await RisingEdge(dut.clk)
    dut.rst.value = 0


async def stream(dut, beats, nout, rng, stall, valid, ready, out_valid, out_ready, capture):
    """Offer beats (each a dict signal -> value) on valid/ready, keeping valid high until
    a beat is taken; read nout items of the output stream, each the values of the
    signals in capture (a dict name -> signed?). Returns (items, beats sent, cycles)."""
    got, sent, pending, cycles = [], 0, False, 0
    limit = 40 * len(beats) + 1000
    while len(got) < nout and cycles < limit:
        await FallingEdge(dut.clk)
        cycles += 1
        if not pending and sent < len(beats) and rng.randrange(100) >= stall:
            for name, v in beats[sent].items():
                getattr(dut, name).value = v
            pending = True
        getattr(dut, valid).value = int(pending)
        getattr(dut, out_ready).value = int(rng.randrange(100) >= stall)
        await ReadOnly()
        if pending and getattr(dut, ready).value == 1:   # taken at the coming edge
            pending = False
            sent += 1
        if getattr(dut, out_valid).value == 1 and getattr(dut, out_ready).value == 1:
            got.append(tuple(getattr(dut, n).value.signed_integer if s else
                             getattr(dut, n).value.integer for n, s in capture.items()))
    return got, sent, cycles
