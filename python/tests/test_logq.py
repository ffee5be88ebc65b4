"""The binding equals the C command line on the same inputs: quantize/dequantize of
every scheme against `logq quant`, SLQ against `logq quant --scheme slq`, the MAC
array against `logq vectors mac` (whose sums the RTL benches check), plus the binding's
own contracts (round trips, refusals)."""

import numpy as np
import pytest

import logq
from conftest import header_defines, read_hex

FORMATS = [  # scheme, bits, fsr, signed, rounding
    ("linear", 6, 1, True, "nearest"), ("linear", 5, 0, False, "floor"),
    ("linear", 12, 3, True, "floor"), ("log2", 5, 1, True, "nearest"),
    ("log2", 4, -2, False, "nearest"), ("log2", 6, 3, True, "floor"),
    ("logsqrt2", 5, 1, True, "nearest"), ("logsqrt2", 6, 0, False, "floor"),
    ("logsqrt2", 3, 2, True, "nearest"),
]


def sample(rng, f_fsr):
    """Seeded values around the range plus biased corners (zero, the smallest and
    largest magnitudes, ties between levels, values beyond the range)."""
    x = np.concatenate([
        rng.normal(0, 2.0 ** f_fsr / 3, 300),
        rng.laplace(0, 2.0 ** (f_fsr - 3), 200),
        [0.0, -0.0, 2.0 ** f_fsr, -(2.0 ** f_fsr), 2.0 ** (f_fsr + 5), -1e300, 1e-300,
         -1e-300, 2.0 ** (f_fsr - 1) * 1.5, 2.0 ** (f_fsr - 2) * 0.75, 0.5, -0.5],
        2.0 ** (f_fsr - rng.integers(0, 20, 50)) * rng.choice([-1, 1], 50),
    ])
    return x


def cli_rows(cli, x, *opts):
    text = "\n".join("%.17g" % v for v in x) + "\n"
    out = cli("quant", *opts, "--format", "csv", "-", stdin=text).splitlines()
    assert out[0] == "input,codes,value,abs_error"
    return [r.split(",") for r in out[1:]]


@pytest.mark.parametrize("scheme,bits,fsr,signed,rounding", FORMATS)
def test_quantize_equals_cli(cli, seed, scheme, bits, fsr, signed, rounding):
    rng = np.random.default_rng(seed)
    x = sample(rng, fsr)
    f = logq.fmt(scheme, bits, fsr, signed=signed, rounding=rounding)
    codes = logq.quantize(x, f)
    vals = logq.dequantize(codes, f)
    rows = cli_rows(cli, x, "--scheme", scheme, "--bits", bits, "--fsr", fsr, "--rounding",
                    rounding, "--signed" if signed else "--unsigned")
    assert len(rows) == len(x)
    for i, (inp, code, value, _) in enumerate(rows):
        assert float(inp) == x[i]
        assert int(code, 2) == codes[i], f"x = {x[i]!r}: C code {code}, binding {codes[i]:b}"
        assert float(value) == vals[i], f"x = {x[i]!r}: C value {value}, binding {vals[i]!r}"


@pytest.mark.parametrize("scheme,bits,fsr,signed,rounding", FORMATS)
def test_every_code_round_trips(scheme, bits, fsr, signed, rounding):
    """Exhaustive over the codes: each canonical code's value quantizes back to it."""
    f = logq.fmt(scheme, bits, fsr, signed=signed, rounding=rounding)
    codes = np.arange(1 << bits, dtype=np.uint32)
    vals = logq.dequantize(codes, f)
    back = logq.quantize(vals, f)
    if scheme != "linear" and signed:  # the negative zero is not canonical
        neg_zero = 1 << (bits - 1)
        keep = codes != neg_zero
        assert back[neg_zero] == 0
        codes, back = codes[keep], back[keep]
    assert np.array_equal(back, codes)


@pytest.mark.parametrize("bits,fsr,words,theta", [(4, 1, 3, 0.0), (3, 0, 2, 0.0),
                                                  (5, 2, 4, 0.01), (6, -1, 1, 0.0)])
def test_slq_equals_cli(cli, seed, bits, fsr, words, theta):
    rng = np.random.default_rng(seed + bits)
    x = sample(rng, fsr)
    f = logq.fmt("slq", bits, fsr, max_words=words, theta=theta)
    enc = logq.slq_encode(x, f)
    rows = cli_rows(cli, x, "--scheme", "slq", "--bits", bits, "--fsr", fsr, "--max-words",
                    words, "--theta", repr(theta))
    for i, (_, code, value, _) in enumerate(rows):
        words_c = [int(w, 2) for w in code.split()]
        n = int(enc.n[i])
        mine = logq.slq_words(enc.k[i, :max(n, 1)], f).tolist()
        assert words_c == mine, f"x = {x[i]!r}: C words {code}, binding {mine}"
        assert float(value) == enc.value[i]
    assert np.array_equal(logq.slq_decode(enc.k, enc.n, f), enc.value)


MAC_CONFIGS = [
    ["--mode", "shift", "--lanes", "4"],
    ["--mode", "shift", "--lanes", "16", "--bits", "4", "--fsr", "2", "--act-bits", "6",
     "--act-unsigned", "--frac", "3"],
    ["--mode", "loglog", "--lanes", "8", "--bits", "5", "--act-bits", "4", "--act-fsr", "1"],
    ["--mode", "loglog", "--base", "sqrt2", "--lanes", "3", "--bits", "6", "--fsr", "1",
     "--sqrt2-frac", "12"],
    ["--mode", "mult", "--lanes", "5", "--base", "sqrt2", "--act-bits", "10"],
    ["--mode", "mult", "--lanes", "6", "--base", "sqrt2", "--bits", "4", "--frac", "2"],
    ["--mode", "linear", "--lanes", "4", "--bits", "8", "--act-bits", "8"],
]


def run_vectors(m, h, vdir):
    """The binding's sums of the beats of `logq vectors mac` (in.hex: {last,
    w[N-1..0], a[N-1..0]} per line, lane 0 in the LSBs) and the C model's (out.hex)."""
    n, ab, wb = h["LANES"], h["A_BITS"], h["W_BITS"]
    beats = read_hex(vdir / "in.hex")
    a = np.array([[(b >> (i * ab)) & ((1 << ab) - 1) for i in range(n)] for b in beats])
    w = np.array([[(b >> (n * ab + i * wb)) & ((1 << wb) - 1) for i in range(n)] for b in beats])
    last = np.array([(b >> (n * (ab + wb))) & 1 for b in beats])
    want = [v - (1 << m.out_bits) if v >> (m.out_bits - 1) else v for v in read_hex(vdir / "out.hex")]
    return m.run(a, w, last=last), want


@pytest.mark.parametrize("opts", MAC_CONFIGS, ids=lambda o: "_".join(x.lstrip("-") for x in o))
def test_mac_equals_cli(cli, seed, tmp_path, opts):
    cli("gen", "mac", *opts, "-o", tmp_path / "rtl")
    cli("vectors", "mac", *opts, "--count", 150, "--seed", seed, "-o", tmp_path / "v")
    h = header_defines(tmp_path / "rtl" / "logq_mac.h")
    m = logq.Mac.from_header(tmp_path / "rtl" / "logq_mac.h")
    assert (m.out_bits, m.out_lsb_exp) == (h["OUT_BITS"], h["OUT_LSB_EXP"])
    sums, want = run_vectors(m, h, tmp_path / "v")
    assert len(sums) == len(want) == 150
    assert list(sums) == want


def test_mac_batches_shape():
    """(vectors, beats, lanes) gives one sum per vector, each the sum of its beats."""
    w = logq.fmt("log2", 5, 0)
    a = logq.fmt("linear", 8, 7)
    m = logq.Mac("shift", 4, w, a)
    rng = np.random.default_rng(3)
    ac = rng.integers(0, 256, (6, 5, 4))
    wc = rng.integers(0, 32, (6, 5, 4))
    sums = m.run(ac, wc)
    for v in range(6):
        one = m.run(ac[v:v + 1], wc[v:v + 1])
        assert one[0] == sums[v]
    assert m.values(sums).shape == (6,)


def test_from_header_names_the_module(cli, tmp_path):
    """A renamed array (--name) is read by its own prefix."""
    cli("gen", "mac", "--name", "acc7", "--mode", "loglog", "--lanes", "2", "-o", tmp_path)
    m = logq.Mac.from_header(tmp_path / "acc7.h")
    assert m.cfg.lanes == 2 and m.cfg.mode == logq.MODES["loglog"]
    (tmp_path / "x.h").write_text("#define X 1\n")
    with pytest.raises(ValueError, match="not a header of this block"):
        logq.Mac.from_header(tmp_path / "x.h")


def test_refusals():
    with pytest.raises(ValueError, match="bits"):
        logq.fmt("log2", 11, 0)
    with pytest.raises(ValueError, match="scheme 'cubic'"):
        logq.fmt("cubic", 5, 0)
    f = logq.fmt("log2", 5, 0)
    with pytest.raises(ValueError, match="not finite"):
        logq.quantize([1.0, np.nan], f)
    with pytest.raises(ValueError, match="wider than 5 bits"):
        logq.dequantize([32], f)
    with pytest.raises(ValueError, match="slq_encode"):
        logq.quantize([1.0], logq.fmt("slq", 4, 0))
    m = logq.Mac("shift", 2, f, logq.fmt("linear", 8, 7))
    with pytest.raises(ValueError, match="must both be"):
        m.run(np.zeros((3, 3)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="wider than"):
        m.run(np.full((1, 1, 2), 300), np.zeros((1, 1, 2)))
    with pytest.raises(ValueError, match="lanes"):
        logq.Mac("shift", 0, f, logq.fmt("linear", 8, 7))


def test_mac_comparison_can_fail(cli, seed, tmp_path):
    """The comparison above is not vacuous: vectors from a deliberately wrong model
    (`logq vectors mac --wrong-model`) differ from the binding's sums."""
    opts = ["--lanes", "4"]
    cli("gen", "mac", *opts, "-o", tmp_path / "rtl")
    cli("vectors", "mac", *opts, "--count", 50, "--seed", seed, "--wrong-model", "-o", tmp_path / "v")
    h = header_defines(tmp_path / "rtl" / "logq_mac.h")
    m = logq.Mac.from_header(tmp_path / "rtl" / "logq_mac.h")
    sums, want = run_vectors(m, h, tmp_path / "v")
    assert list(sums) != want


QUANT_CONFIGS = [
    ["--lanes", "3", "--in-bits", "8"],
    ["--lanes", "4", "--in-bits", "12", "--scheme", "logsqrt2", "--bits", "6", "--fsr", "1"],
    ["--lanes", "2", "--in-bits", "16", "--in-unsigned", "--rounding", "floor", "--unsigned",
     "--bits", "4", "--in-lsb", "-3"],
    ["--lanes", "5", "--in-bits", "10", "--relu", "--scheme", "logsqrt2", "--fsr", "-2"],
]


@pytest.mark.parametrize("opts", QUANT_CONFIGS, ids=lambda o: "_".join(x.lstrip("-") for x in o))
def test_quantizer_equals_cli(cli, seed, tmp_path, opts):
    """The hardware quantizer's model through the binding gives `logq vectors quant`'s
    expected codes (in.hex: {last, field[N-1..0]}; out.hex: {last, code[N-1..0]})."""
    cli("gen", "quant", *opts, "-o", tmp_path / "rtl")
    cli("vectors", "quant", *opts, "--count", 300, "--seed", seed, "-o", tmp_path / "v")
    q = logq.Quantizer.from_header(tmp_path / "rtl" / "quant.h")
    n, a, b = q.cfg.lanes, q.cfg.in_bits, q.cfg.out.bits
    ins = read_hex(tmp_path / "v" / "in.hex")
    outs = read_hex(tmp_path / "v" / "out.hex")
    assert len(ins) == len(outs) > 0
    fields = np.array([[(v >> (i * a)) & ((1 << a) - 1) for i in range(n)] for v in ins])
    want = np.array([[(v >> (i * b)) & ((1 << b) - 1) for i in range(n)] for v in outs])
    assert np.array_equal(q.run(fields), want)
    # and each code is lq_quantize of the field's exact value (docs/quant.md's spec)
    sign = (fields >> (a - 1)) & 1 if q.cfg.in_signed else 0
    vals = (fields - (sign << a)) * 2.0 ** q.cfg.in_lsb
    if q.cfg.relu:
        vals = np.maximum(vals, 0)
    assert np.array_equal(q.run(fields), logq.quantize(vals, q.cfg.out))
