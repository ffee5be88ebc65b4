"""The logdot and slqdot models through the binding equal the C command line on the
same inputs: `logq vectors logdot` and `logq vectors slqdot` write the stimulus and
the model's expected results (what the RTL benches check); the tests parse both,
run the stimulus through logq.LogDot / logq.SlqDot (configured from the generated
NAME.h) and compare every result. Plus contracts checked by other code paths (SLQ
results equal the exact dot products of slq_encode's values) and the refusals."""

import numpy as np
import pytest

import logq
from conftest import fields, header_defines, read_hex, signed


def ids(o):
    return "_".join(x.lstrip("-") for x in o)


def generate(cli, tmp_path, block, opts, count, seed, extra):
    """`logq gen BLOCK` into rtl/ and `logq vectors BLOCK` into v/; the header's path
    and its integer #defines."""
    cli("gen", block, *opts, "-o", tmp_path / "rtl")
    cli("vectors", block, *opts, "--count", count, "--seed", seed, *extra, "-o", tmp_path / "v")
    hdr = tmp_path / "rtl" / f"{block}.h"
    return hdr, header_defines(hdr, block.upper())


LOGDOT_CONFIGS = [
    ["--lanes", "4"],
    ["--lanes", "3", "--base", "sqrt2", "--frac", "5", "--bits", "4", "--act-bits", "6",
     "--act-unsigned"],
    ["--lanes", "16", "--correction", "paper", "--frac", "0", "--table-bits", "4",
     "--fsr", "2", "--out-frac", "4", "--out-bits", "8"],  # saturates: LMAX is 127/16
    ["--lanes", "1", "--frac", "10", "--table-bits", "30", "--out-bits", "62", "--out-frac",
     "40", "--unsigned", "--bits", "3", "--fsr", "2"],
    ["--lanes", "8", "--base", "sqrt2", "--frac", "1", "--table-bits", "8", "--act-bits",
     "3", "--act-fsr", "-1", "--out-bits", "12", "--out-frac", "4"],
]


def logdot_vectors(cli, tmp_path, opts, count, seed, *extra):
    """The LogDot of the generated header, the stimulus (a, w, last per beat) and the
    C model's expected (result, sat) per vector."""
    hdr, h = generate(cli, tmp_path, "logdot", opts, count, seed, extra)
    d = logq.LogDot.from_header(hdr)
    n, ba, bw, ow = h["LANES"], h["ACT_BITS"], h["BITS"], h["OUT_BITS"]
    beats = [fields(b, [ba] * n + [bw] * n + [1]) for b in read_hex(tmp_path / "v" / "in.hex")]
    a = np.array([b[:n] for b in beats])
    w = np.array([b[n:2 * n] for b in beats])
    last = np.array([b[2 * n] for b in beats])
    outs = [fields(o, [ow, 1]) for o in read_hex(tmp_path / "v" / "out.hex")]
    want = [(signed(r, ow), s) for r, s in outs]
    return d, h, (a, w, last), want


@pytest.mark.parametrize("opts", LOGDOT_CONFIGS, ids=ids)
def test_logdot_equals_cli(cli, seed, tmp_path, opts):
    d, h, (a, w, last), want = logdot_vectors(cli, tmp_path, opts, 200, seed)
    assert d.cfg.lanes == h["LANES"] and d.out_frac == h["OUT_FRAC"]
    r = d.run(a, w, last=last)
    assert len(want) == 200 == len(r.result)
    got = list(zip(r.result.tolist(), r.sat.astype(int).tolist()))
    assert got == want
    if opts[-2:] == ["--out-bits", "8"]:  # the narrow result: saturation is compared too
        assert r.sat.any()


def test_logdot_comparison_can_fail(cli, seed, tmp_path):
    """The comparison is not vacuous: `vectors logdot --wrong-model` results differ, and
    so do the binding's with the model's own fault switch."""
    d, h, (a, w, last), want = logdot_vectors(cli, tmp_path, ["--lanes", "4", "--frac", "2"],
                                              100, seed, "--wrong-model")
    r = d.run(a, w, last=last)
    assert list(zip(r.result.tolist(), r.sat.astype(int).tolist())) != want
    bad = logq.LogDot.from_header(tmp_path / "rtl" / "logdot.h", fault=True).run(a, w, last=last)
    assert not np.array_equal(bad.result, r.result)


def test_logdot_batches_and_values():
    """(vectors, beats, lanes) gives one result per vector, each that of the vector
    alone; values are result * 2^-out_frac and near the exact dot product of the
    dequantized codes (docs/logdot.md: table correction, F = 8, below 2 % of the sum of
    |products|)."""
    f = logq.fmt("log2", 5, 0)
    d = logq.LogDot(4, f, f, frac=8, out_frac=24, out_bits=40)
    rng = np.random.default_rng(5)
    a = rng.integers(0, 32, (20, 6, 4))
    w = rng.integers(0, 32, (20, 6, 4))
    r = d.run(a, w)
    for v in range(20):
        assert d.run(a[v:v + 1], w[v:v + 1]).result[0] == r.result[v]
    prods = logq.dequantize(a, f) * logq.dequantize(w, f)
    exact = prods.sum(axis=(1, 2))
    scale = np.abs(prods).sum(axis=(1, 2))
    assert np.all(np.abs(d.values(r.result) - exact) <= 0.02 * scale + 2.0 ** -24)
    assert not r.sat.any()


SLQDOT_CONFIGS = [
    ["--lanes", "4"],
    ["--lanes", "3", "--bits", "4", "--max-words", "3", "--framing", "special", "--fsr", "2",
     "--act-bits", "6"],
    ["--lanes", "16", "--bits", "6", "--act-bits", "12", "--frac", "5", "--acc-bits", "20"],
    ["--lanes", "1", "--bits", "2", "--max-words", "1", "--act-bits", "2"],
    ["--lanes", "5", "--bits", "10", "--max-words", "8", "--framing", "special", "--act-bits",
     "30", "--fsr", "-3"],
]


def slqdot_vectors(cli, tmp_path, opts, count, seed, *extra):
    """The SlqDot of the generated header, the stimulus (activations with their last
    flags; each lane's words with their frame-end flags) and the expected results
    (acc per lane, err per lane) of each vector."""
    hdr, h = generate(cli, tmp_path, "slqdot", opts, count, seed, extra)
    d = logq.SlqDot.from_header(hdr)
    n, A, SW, ACC = h["N"], h["A"], h["SW"], h["ACC"]
    acts = [fields(b, [A, 1]) for b in read_hex(tmp_path / "v" / "in.hex")]
    x = np.array([signed(v, A) for v, _ in acts])
    xl = np.array([l for _, l in acts])
    t = [fields(b, [SW, 1]) for b in read_hex(tmp_path / "v" / "t.hex")]
    off = read_hex(tmp_path / "v" / "toff.hex")
    assert len(off) == n + 1 and off[-1] == len(t)
    words = [np.array([wd for wd, _ in t[off[j]:off[j + 1]]]) for j in range(n)]
    wlast = [np.array([l for _, l in t[off[j]:off[j + 1]]]) for j in range(n)]
    outs = [fields(o, [ACC] * n + [1] * n) for o in read_hex(tmp_path / "v" / "out.hex")]
    want = ([[signed(v, ACC) for v in o[:n]] for o in outs], [o[n:] for o in outs])
    return d, (x, xl, words, wlast), want


@pytest.mark.parametrize("opts", SLQDOT_CONFIGS, ids=ids)
def test_slqdot_equals_cli(cli, seed, tmp_path, opts):
    """The stimulus corrupts a fifth of the vectors in some lanes (random, deleted and
    doubled words), so the error flags and the recovery are compared too."""
    d, (x, xl, words, wlast), (acc, err) = slqdot_vectors(cli, tmp_path, opts, 150, seed)
    r = d.run(x, words, wlast, act_last=xl)
    assert r.used == len(x)
    assert len(acc) == len(r.acc) > 0
    assert r.acc.tolist() == acc
    assert r.err.astype(int).tolist() == err
    assert r.err.any()  # the corrupted vectors were reached


def test_slqdot_comparison_can_fail(cli, seed, tmp_path):
    d, (x, xl, words, wlast), (acc, err) = slqdot_vectors(cli, tmp_path, ["--lanes", "4"], 100,
                                                          seed, "--wrong-model")
    r = d.run(x, words, wlast, act_last=xl)
    assert (r.acc.tolist(), r.err.astype(int).tolist()) != (acc, err)


@pytest.mark.parametrize("bits,words,framing,fsr", [(5, 2, "tag", 0), (4, 3, "special", 1),
                                                    (3, 1, "tag", -2), (6, 4, "special", 3)])
def test_slqdot_exact_dot_products(seed, bits, words, framing, fsr):
    """With the default (exact) frac and a wide accumulator, each result is the exact
    dot product of the activations with slq_encode's values of the weights: the
    decoder, the framing and the MAC against the encoder's own values."""
    rng = np.random.default_rng(seed + bits)
    d = logq.SlqDot(6, logq.fmt("slq", bits, fsr, max_words=words), act_bits=10, framing=framing)
    wts = rng.normal(0, 2.0 ** (fsr - 1), (30, 7, 6))
    wts[rng.random(wts.shape) < 0.15] = 0.0
    x = rng.integers(-512, 512, (30, 7))
    x[:, 0] = -512
    s = d.frames(wts)
    r = d.run(x, s.words, s.last)
    assert r.used == x.size and not r.err.any()
    exact = np.einsum("vk,vkj->vj", x, logq.slq_encode(wts, d.w).value)
    assert np.array_equal(d.values(r.acc), exact)


def test_slqdot_short_stream_and_errors():
    """A lane whose stream ends early stops the run where the model cannot go on (used
    counts the activations taken); a malformed frame sets that lane's err only."""
    d = logq.SlqDot(2, logq.fmt("slq", 4, 0, max_words=2), act_bits=8)
    s = d.frames(np.full((3, 2, 2), 0.5))
    short = [s.words[0], s.words[1][:-1]], [s.last[0], s.last[1][:-1]]
    r = d.run(np.ones((3, 2), dtype=int), *short)
    assert len(r.acc) == 2 and r.used == 5
    tag_m = np.uint32(1 << 4 | 0b1000)  # tagging: the word -M, never a value
    bad = [s.words[0], s.words[1].copy()], s.last
    bad[0][1][0] = tag_m
    r = d.run(np.ones((3, 2), dtype=int), *bad)
    assert r.err.tolist()[0] == [False, True] and not r.err[1:].any()


def test_dot_refusals():
    l2, s2 = logq.fmt("log2", 5, 0), logq.fmt("logsqrt2", 5, 0)
    with pytest.raises(ValueError, match="differs"):
        logq.LogDot(4, l2, s2)
    with pytest.raises(ValueError, match="frac 11"):
        logq.LogDot(4, l2, l2, frac=11)
    with pytest.raises(ValueError, match="correction 'best'"):
        logq.LogDot(4, l2, l2, correction="best")
    d = logq.LogDot(2, l2, l2)
    with pytest.raises(ValueError, match="wider than 5 bits"):
        d.run(np.full((1, 1, 2), 32), np.zeros((1, 1, 2)))
    with pytest.raises(ValueError, match="must both be"):
        d.run(np.zeros((1, 3)), np.zeros((1, 3)))
    with pytest.raises(ValueError, match="needs last"):
        d.run(np.zeros((1, 2)), np.zeros((1, 2)))
    q = logq.fmt("slq", 4, 0)
    with pytest.raises(ValueError, match="not log2"):
        logq.SlqDot(2, l2)
    with pytest.raises(ValueError, match="acc_bits 10"):
        logq.SlqDot(2, q, act_bits=8, acc_bits=10)
    with pytest.raises(ValueError, match="framing 'none'"):
        logq.SlqDot(2, q, framing="none")
    sd = logq.SlqDot(2, q, act_bits=4)
    s = sd.frames(np.zeros((1, 1, 2)))
    with pytest.raises(ValueError, match="outside 4-bit signed"):
        sd.run(np.array([[8]]), s.words, s.last)
    with pytest.raises(ValueError, match="wider than the stream's 5 bits"):
        sd.run(np.array([[1]]), [np.array([32]), s.words[1]], s.last)
    with pytest.raises(ValueError, match="activations are integers"):
        sd.run(np.array([[1.5]]), s.words, s.last)
    with pytest.raises(ValueError, match="non-negative integers"):
        d.run(np.full((1, 1, 2), 0.5), np.zeros((1, 1, 2)))
    with pytest.raises(ValueError, match="for 2 lanes"):
        sd.run(np.array([[1]]), s.words[:1], s.last[:1])
    with pytest.raises(ValueError, match="not finite"):
        sd.frames(np.full((1, 1, 2), np.inf))
