"""logq: the bit-accurate C model of logq (liblogq.so) for NumPy arrays.

    import numpy as np, logq
    f = logq.fmt("logsqrt2", bits=5, fsr=1)
    codes = logq.quantize(np.array([0.3, -1.7]), f)     # uint32 codes
    logq.dequantize(codes, f)                            # their exact values

Every function is one call into the C model (cmodel/batch.c), so its results are the
command line's (`logq quant`, `logq slq`, `logq vectors mac|quant|logdot|slqdot`).
docs/python.md is the guide; docs/formats.md defines every format.
"""

import ctypes
import math
import re
from collections import namedtuple

import numpy as np

from . import _lib

__all__ = ["fmt", "quantize", "dequantize", "slq_encode", "slq_decode", "slq_words",
           "Mac", "Quantizer", "LogDot", "SlqDot", "SlqCodes", "LogDotResult", "SlqStreams",
           "SlqDotResult", "SCHEMES", "MODES", "CORRECTIONS", "FRAMINGS"]
__version__ = "0.1.0"

SCHEMES = {"linear": 0, "log2": 1, "logsqrt2": 2, "slq": 3}
ROUNDINGS = {"nearest": 0, "floor": 1}
MODES = {"shift": 0, "loglog": 1, "mult": 2, "linear": 3}
CORRECTIONS = {"paper": 0, "table": 1}   # lq_logacc_corr
FRAMINGS = {"tag": 1, "special": 2}      # lq_framing
SLQ_WORDS_MAX = _lib.SLQ_WORDS_MAX

SlqCodes = namedtuple("SlqCodes", "k n value")
SlqCodes.__doc__ = ("SLQ words of an array: k[..., s] the signed index of word s (0 "
                    "beyond n), n[...] the words of each value, value[...] its exact value")


def _name(table, what, v):
    if v not in table:
        raise ValueError(f"logq: {what} '{v}' is not one of {', '.join(table)}")
    return table[v]


def fmt(scheme, bits, fsr, signed=True, rounding="nearest", max_words=2, theta=0.0):
    """A number format (docs/formats.md), checked by the C model: ValueError names the
    offending value."""
    f = _lib.Format(_name(SCHEMES, "scheme", scheme), int(bits), int(fsr),
                    _name(ROUNDINGS, "rounding", rounding), bool(signed) or scheme == "slq",
                    int(max_words), float(theta))
    msg = ctypes.create_string_buffer(256)
    if _lib.lib.lq_format_check(ctypes.byref(f), msg, len(msg)) != 0:
        raise ValueError("logq: " + msg.value.decode())
    return f


def _ptr(a):
    return a.ctypes.data_as(ctypes.c_void_p)


def _call(fn, what, *args):
    bad = ctypes.c_size_t(0)
    if fn(*args, ctypes.byref(bad)) != 0:
        raise ValueError(f"logq: {what} at flat index {bad.value}")


def quantize(x, f):
    """Codes (uint32, same shape as x) of finite x under a linear, log2 or logsqrt2
    format; lq_quantize per element."""
    if f.scheme == SCHEMES["slq"]:
        raise ValueError("logq: quantize takes linear, log2 or logsqrt2; use slq_encode for SLQ")
    x = np.ascontiguousarray(x, dtype=np.float64)
    out = np.empty(x.shape, dtype=np.uint32)
    _call(_lib.lib.lq_quantize_array, "quantize: a value is not finite", ctypes.byref(f),
          _ptr(x), x.size, _ptr(out))
    return out


def dequantize(codes, f):
    """The exact values (float64) of codes under f; lq_dequantize per element."""
    if f.scheme == SCHEMES["slq"]:
        raise ValueError("logq: dequantize takes linear, log2 or logsqrt2; use slq_decode")
    c = np.ascontiguousarray(codes, dtype=np.uint32)
    out = np.empty(c.shape, dtype=np.float64)
    _call(_lib.lib.lq_dequantize_array, f"dequantize: a code is wider than {f.bits} bits",
          ctypes.byref(f), _ptr(c), c.size, _ptr(out))
    return out


def slq_encode(x, f):
    """SLQ words of finite x (lq_slq_encode per element): SlqCodes(k, n, value) with
    k of shape x.shape + (f.max_words,)."""
    if f.scheme != SCHEMES["slq"]:
        raise ValueError("logq: slq_encode needs an slq format")
    x = np.ascontiguousarray(x, dtype=np.float64)
    k = np.zeros(x.shape + (SLQ_WORDS_MAX,), dtype=np.int32)
    n = np.empty(x.shape, dtype=np.int32)
    v = np.empty(x.shape, dtype=np.float64)
    _call(_lib.lib.lq_slq_encode_array, "slq_encode: a value is not finite", ctypes.byref(f),
          _ptr(x), x.size, _ptr(k), _ptr(n), _ptr(v))
    return SlqCodes(k[..., :f.max_words].copy(), n, v)


def slq_decode(k, n, f):
    """The values of SLQ words (k[..., s] indices, n[...] word counts): the inverse of
    slq_encode (lq_slq_value_double per element)."""
    k = np.asarray(k, dtype=np.int32)
    n = np.ascontiguousarray(n, dtype=np.int32)
    if k.shape[:-1] != n.shape or k.shape[-1] > SLQ_WORDS_MAX:
        raise ValueError(f"logq: slq_decode: k {k.shape} must be n's shape {n.shape} plus "
                         f"one axis of at most {SLQ_WORDS_MAX} words")
    full = np.zeros(n.shape + (SLQ_WORDS_MAX,), dtype=np.int32)
    full[..., :k.shape[-1]] = k
    v = np.empty(n.shape, dtype=np.float64)
    _call(_lib.lib.lq_slq_decode_array, "slq_decode: a word count or index out of range",
          ctypes.byref(f), _ptr(full), _ptr(n), n.size, _ptr(v))
    return v


def slq_words(k, f):
    """The W-bit two's complement words of SLQ indices (lq_slq_word), as `logq quant
    --scheme slq` prints them."""
    k = np.ascontiguousarray(k, dtype=np.int32)
    out = np.empty(k.shape, dtype=np.uint32)
    _lib.lib.lq_slq_word_array(ctypes.byref(f), _ptr(k), k.size, _ptr(out))
    return out


def _header(path, need):
    """The integer #defines NAME_KEY of a generated NAME.h (the prefix from its
    NAME_NAME line); ValueError when one of need is missing."""
    with open(path) as fp:
        text = fp.read()
    name = re.search(r'^#define (\w+)_NAME "', text, re.M)
    h = {} if not name else {
        k: int(v) for k, v in re.findall(r"^#define " + name.group(1) + r"_(\w+) (-?\d+)u?(?:LL|ULL)?\b",
                                         text, re.M)}
    missing = [k for k in need if k not in h]
    if missing:
        raise ValueError(f"logq: {path}: not a header of this block, no {', '.join(missing)}")
    return h


def _integral(v):
    """v holds integers only (of any dtype), so a conversion to an integer type is exact."""
    return np.issubdtype(v.dtype, np.integer) or bool(np.all(np.floor(v) == v))


def _last_of(what, shape, last, implied):
    """The uint8 last flags of a stream: implied (each vector's final entry of shape[:2]
    = (vectors, n)), or given, one per entry of a flat stream of shape[0] entries."""
    if implied:
        if last is not None:
            raise ValueError(f"logq: {what}: last is implied by the (vectors, ...) shape")
        if shape[1] == 0:
            raise ValueError(f"logq: {what}: vectors of shape {shape} have no entries")
        lastv = np.zeros(shape[:2], dtype=np.uint8)
        lastv[:, -1] = 1
        return lastv.reshape(-1)
    if last is None:
        raise ValueError(f"logq: {what}: a flat stream of {shape} needs last")
    lastv = np.ascontiguousarray(np.asarray(last).astype(np.uint8))
    if lastv.shape != tuple(shape[:1]):
        raise ValueError(f"logq: {what}: last {lastv.shape} must be ({shape[0]},)")
    return lastv


def _beats(what, n, a, w, last):
    """uint32 codes (beats, n) of both operands and uint8 last flags (beats,) of a stream
    of beats given as (vectors, beats, n), or as (beats, n) with last."""
    a = np.asarray(a)
    w = np.asarray(w)
    if a.shape != w.shape or a.ndim not in (2, 3) or a.shape[-1] != n:
        raise ValueError(f"logq: {what}: a {a.shape} and w {w.shape} must both be "
                         f"(vectors, beats, {n}) or (beats, {n})")
    lc = _last_of(what, a.shape, last, a.ndim == 3)
    if not (_integral(a) and _integral(w)) or np.any(a < 0) or np.any(w < 0):
        raise ValueError(f"logq: {what}: codes are non-negative integers")
    return (np.ascontiguousarray(a.reshape(-1, n), dtype=np.uint32),
            np.ascontiguousarray(w.reshape(-1, n), dtype=np.uint32), lc)


class Mac:
    """The MAC array of `logq gen mac` (docs/mac.md) as its C model: a configuration,
    its derived widths, and exact sums of streams of beats.

        m = logq.Mac("shift", lanes=16, w=logq.fmt("log2", 5, 0),
                     a=logq.fmt("linear", 8, 0, signed=False))
        sums = m.run(a_codes, w_codes)    # (vectors, beats, lanes) -> exact ints
    """

    def __init__(self, mode, lanes, w, a, sqrt2_frac=16, frac=None, max_beats=1024,
                 fault=False):
        """fault (test only): the model's deliberate error, to prove a bench can fail."""
        self.cfg = _lib.MacConfig(_name(MODES, "mode", mode), int(lanes), w, a, int(sqrt2_frac),
                                  _lib.FRAC_EXACT if frac is None else int(frac),
                                  int(max_beats), int(bool(fault)))
        self.wd = _lib.MacWidths()
        msg = ctypes.create_string_buffer(512)
        if _lib.lib.lq_mac_derive(ctypes.byref(self.cfg), ctypes.byref(self.wd), msg,
                                  len(msg)) != 0:
            raise ValueError("logq: " + msg.value.decode())

    @classmethod
    def from_header(cls, path, fault=False):
        """The Mac of a generated array's NAME.h (`logq gen mac`), so a bench in Python
        checks the RTL against the model of exactly its configuration."""
        h = _header(path, ("MODE_ID", "LANES", "W_SCHEME_ID", "W_BITS", "W_FSR", "W_SIGNED",
                           "A_SCHEME_ID", "A_BITS", "A_FSR", "A_SIGNED", "SQRT2_FRAC",
                           "MAX_BEATS", "FRAC_EXACT", "FRAC", "OUT_BITS", "OUT_LSB_EXP"))
        schemes = {v: k for k, v in SCHEMES.items()}
        modes = {v: k for k, v in MODES.items()}
        w = fmt(schemes[h["W_SCHEME_ID"]], h["W_BITS"], h["W_FSR"], signed=bool(h["W_SIGNED"]))
        a = fmt(schemes[h["A_SCHEME_ID"]], h["A_BITS"], h["A_FSR"], signed=bool(h["A_SIGNED"]))
        m = cls(modes[h["MODE_ID"]], h["LANES"], w, a, sqrt2_frac=h["SQRT2_FRAC"],
                frac=None if h["FRAC"] == h["FRAC_EXACT"] else h["FRAC"],
                max_beats=h["MAX_BEATS"], fault=fault)
        if (m.out_bits, m.out_lsb_exp) != (h["OUT_BITS"], h["OUT_LSB_EXP"]):
            raise ValueError(f"logq: {path}: OUT_BITS {h['OUT_BITS']}, OUT_LSB_EXP "
                             f"{h['OUT_LSB_EXP']}, the model derives {m.out_bits}, "
                             f"{m.out_lsb_exp}: the header and liblogq.so are out of step")
        return m

    @property
    def out_bits(self):
        return self.wd.out_bits

    @property
    def out_lsb_exp(self):
        """A sum's unit is worth 2^out_lsb_exp (times the linear activation's step in
        shift and mult modes, docs/mac.md)."""
        return self.wd.out_lsb_exp

    @property
    def widths(self):
        return {name: getattr(self.wd, name) for name, _ in _lib.MacWidths._fields_}

    def run(self, a, w, last=None):
        """Exact sums (Python ints, object array) of a stream of beats. a and w hold
        codes: shape (vectors, beats, lanes), one sum per vector (last on its final
        beat); or shape (beats, lanes) with last (one flag per beat) given."""
        ac, wc, lc = _beats("Mac.run", self.cfg.lanes, a, w, last)
        nbeats = ac.shape[0]
        out = np.zeros((max(1, int(lc.sum())), _lib.MAC_LIMBS), dtype=np.uint64)
        nout = ctypes.c_long(0)
        msg = ctypes.create_string_buffer(512)
        if _lib.lib.lq_mac_run(ctypes.byref(self.cfg), _ptr(ac), _ptr(wc), _ptr(lc), nbeats,
                               _ptr(out), ctypes.byref(nout), ctypes.byref(self.wd), msg,
                               len(msg)) != 0:
            raise ValueError("logq: Mac.run: " + msg.value.decode())
        bits = 64 * _lib.MAC_LIMBS
        sums = np.empty(nout.value, dtype=object)
        for i in range(nout.value):
            v = 0
            for limb in reversed(out[i].tolist()):
                v = (v << 64) | int(limb)
            sums[i] = v - (1 << bits) if v >> (bits - 1) else v
        return sums

    def values(self, sums):
        """The sums' values as floats: sum * 2^out_lsb_exp."""
        return np.array([math.ldexp(float(s), self.out_lsb_exp) for s in sums])


class Quantizer:
    """The hardware log quantizer of `logq gen quant` (docs/quant.md) as its C model:
    N lanes of A-bit linear fields (value field * 2^in_lsb) to log codes of out.

        q = logq.Quantizer.from_header("out/quant.h")
        codes = q.run(fields)             # (beats, lanes) -> (beats, lanes) codes
    """

    def __init__(self, lanes, in_bits, out, in_signed=True, in_lsb=None, relu=False,
                 fault=False):
        """in_lsb defaults to gen quant's: 1 - A signed, -A unsigned. fault (test only):
        the model's deliberate error."""
        if in_lsb is None:
            in_lsb = 1 - in_bits if in_signed else -in_bits
        self.cfg = _lib.QhwConfig(int(lanes), int(in_bits), int(bool(in_signed)), int(in_lsb),
                                  int(bool(relu)), out, int(bool(fault)))
        msg = ctypes.create_string_buffer(512)
        if _lib.lib.lq_qhw_check(ctypes.byref(self.cfg), msg, len(msg)) != 0:
            raise ValueError("logq: " + msg.value.decode())

    @classmethod
    def from_header(cls, path, fault=False):
        """The Quantizer of a generated block's NAME.h (`logq gen quant`)."""
        h = _header(path, ("LANES", "IN_BITS", "IN_SIGNED", "IN_LSB", "RELU", "SCHEME_HALF",
                           "OUT_BITS", "OUT_SIGNED", "FSR", "FLOOR"))
        out = fmt("logsqrt2" if h["SCHEME_HALF"] else "log2", h["OUT_BITS"], h["FSR"],
                  signed=bool(h["OUT_SIGNED"]), rounding="floor" if h["FLOOR"] else "nearest")
        return cls(h["LANES"], h["IN_BITS"], out, in_signed=bool(h["IN_SIGNED"]),
                   in_lsb=h["IN_LSB"], relu=bool(h["RELU"]), fault=fault)

    def run(self, fields):
        """Codes (uint32) of input fields of shape (beats, lanes): each the A-bit
        pattern of a lane (two's complement when signed)."""
        f = np.asarray(fields)
        n = self.cfg.lanes
        if f.ndim != 2 or f.shape[1] != n:
            raise ValueError(f"logq: Quantizer.run: fields {f.shape} must be (beats, {n})")
        if np.any(f < 0):
            raise ValueError("logq: Quantizer.run: fields are A-bit patterns, non-negative")
        fc = np.ascontiguousarray(f, dtype=np.uint32)
        out = np.empty(fc.shape, dtype=np.uint32)
        msg = ctypes.create_string_buffer(512)
        if _lib.lib.lq_qhw_run(ctypes.byref(self.cfg), _ptr(fc), fc.shape[0], _ptr(out), msg,
                               len(msg)) != 0:
            raise ValueError("logq: Quantizer.run: " + msg.value.decode())
        return out


LogDotResult = namedtuple("LogDotResult", "result sat")
LogDotResult.__doc__ = ("Results of LogDot.run, one per vector: result (int64) L(pos) - "
                        "L(neg), worth result * 2^-out_frac; sat (bool) L(pos) or L(neg) "
                        "saturated")


class LogDot:
    """The log-domain dot product of `logq gen logdot` (docs/logdot.md) as its C model
    (cmodel/logdot.c): per beat N lanes of log activation and log weight codes, their
    products summed in the log domain, one linear fixed-point result per vector.

        d = logq.LogDot(lanes=4, w=logq.fmt("log2", 5, 0), a=logq.fmt("log2", 5, 0))
        r = d.run(a_codes, w_codes)       # (vectors, beats, lanes) -> r.result, r.sat
        d.values(r.result)                # r.result * 2^-out_frac
    """

    def __init__(self, lanes, w, a, correction="table", frac=8, table_bits=16, out_frac=16,
                 out_bits=32, fault=False):
        """w and a: log2 or logsqrt2 formats of one base (the base of the block); the
        rest as `logq gen logdot`'s options of the same names. fault (test only): the
        model's deliberate error (docs/logdot.md)."""
        self.cfg = _lib.LogdotCfg(int(lanes), a, w, _name(CORRECTIONS, "correction", correction),
                                  int(frac), int(table_bits), int(out_frac), int(out_bits),
                                  int(bool(fault)))
        msg = ctypes.create_string_buffer(512)
        if _lib.lib.lq_logdot_check(ctypes.byref(self.cfg), msg, len(msg)) != 0:
            raise ValueError("logq: " + msg.value.decode())

    @classmethod
    def from_header(cls, path, fault=False):
        """The LogDot of a generated block's NAME.h (`logq gen logdot`)."""
        h = _header(path, ("LANES", "HALF", "BITS", "FSR", "SIGNED", "ACT_BITS", "ACT_FSR",
                           "ACT_SIGNED", "CORR", "FRAC", "TABLE_BITS", "OUT_FRAC", "OUT_BITS"))
        scheme = "logsqrt2" if h["HALF"] else "log2"
        w = fmt(scheme, h["BITS"], h["FSR"], signed=bool(h["SIGNED"]))
        a = fmt(scheme, h["ACT_BITS"], h["ACT_FSR"], signed=bool(h["ACT_SIGNED"]))
        corr = {v: k for k, v in CORRECTIONS.items()}[h["CORR"]]
        return cls(h["LANES"], w, a, correction=corr, frac=h["FRAC"],
                   table_bits=h["TABLE_BITS"], out_frac=h["OUT_FRAC"], out_bits=h["OUT_BITS"],
                   fault=fault)

    @property
    def out_frac(self):
        return self.cfg.out_frac

    def run(self, a, w, last=None):
        """Results of a stream of beats: a (activation codes) and w (weight codes) of
        shape (vectors, beats, lanes), one result per vector; or (beats, lanes) with
        last (one flag per beat)."""
        ac, wc, lc = _beats("LogDot.run", self.cfg.lanes, a, w, last)
        nres = max(1, int(lc.sum()))
        res = np.zeros(nres, dtype=np.int64)
        sat = np.zeros(nres, dtype=np.uint8)
        nout = ctypes.c_long(0)
        msg = ctypes.create_string_buffer(512)
        if _lib.lib.lq_logdot_run(ctypes.byref(self.cfg), _ptr(ac), _ptr(wc), _ptr(lc),
                                  ac.shape[0], _ptr(res), _ptr(sat), ctypes.byref(nout), msg,
                                  len(msg)) != 0:
            raise ValueError("logq: LogDot.run: " + msg.value.decode())
        return LogDotResult(res[:nout.value].copy(), sat[:nout.value].astype(bool))

    def values(self, result):
        """The results' values: result * 2^-out_frac."""
        return np.ldexp(np.asarray(result, dtype=np.float64), -self.out_frac)


SlqStreams = namedtuple("SlqStreams", "words last")
SlqStreams.__doc__ = ("The SLQ word streams of slqdot's lanes: words[j] (uint32) lane j's "
                      "stream words, last[j] (uint8) 1 on each frame's (vector's) last word")
SlqDotResult = namedtuple("SlqDotResult", "acc err used")
SlqDotResult.__doc__ = ("Results of SlqDot.run: acc (int64, (vectors, lanes)) each lane's "
                        "accumulator, worth acc * 2^(fsr - frac); err (bool, same shape) the "
                        "lane saw a malformed group or a frame that did not match the vector; "
                        "used: the activations consumed (fewer than given when a lane's "
                        "stream ran out)")


class SlqDot:
    """The SLQ dot product of `logq gen slqdot` (docs/slqdot.md) as its C model: one
    decoder (lq_slqhw_dec) per lane turns the lane's stream of SLQ words into terms, and
    the successive shift-MAC (lq_slqmac) applies them to a broadcast stream of signed
    activations; one result per lane and vector. The generated block's results equal
    this model's (its queued scheduling changes only the cycles).

        d = logq.SlqDot(lanes=4, w=logq.fmt("slq", 5, 0, max_words=2), act_bits=8)
        s = d.frames(weights)             # (vectors, k, lanes) floats -> word streams
        r = d.run(x, s.words, s.last)     # x: (vectors, k) activations -> r.acc, r.err
        d.values(r.acc)                   # r.acc * 2^(fsr - frac)
    """

    def __init__(self, lanes, w, act_bits=8, framing="tag", frac=None, acc_bits=None):
        """w: the SLQ format of the weights (bits W, max_words L, fsr; its rounding is
        the encoder's in frames); frac and acc_bits default as `logq gen slqdot`'s:
        min(2^(W-1) - 1, 32) (exact) and min(A + F + 8, 64)."""
        if frac is None:
            frac = min((1 << (w.bits - 1)) - 1, 32)
        if acc_bits is None:
            acc_bits = min(act_bits + frac + 8, 64)
        self.w = w
        self.args = (_name(FRAMINGS, "framing", framing), int(lanes), int(act_bits),
                     int(frac), int(acc_bits))
        msg = ctypes.create_string_buffer(512)
        if _lib.lib.lq_slqdot_check(ctypes.byref(w), *self.args, msg, len(msg)) != 0:
            raise ValueError("logq: " + msg.value.decode())
        self.framing, self.lanes, self.act_bits, self.frac, self.acc_bits = self.args

    @classmethod
    def from_header(cls, path):
        """The SlqDot of a generated block's NAME.h (`logq gen slqdot`)."""
        h = _header(path, ("N", "W", "L", "FRAMING", "FSR", "A", "F", "ACC"))
        framing = {v: k for k, v in FRAMINGS.items()}.get(h["FRAMING"])
        if framing is None:
            raise ValueError(f"logq: {path}: FRAMING {h['FRAMING']} is neither tag nor special")
        w = fmt("slq", h["W"], h["FSR"], max_words=h["L"])
        return cls(h["N"], w, act_bits=h["A"], framing=framing, frac=h["F"], acc_bits=h["ACC"])

    def frames(self, weights):
        """The lanes' word streams of weights (finite floats) of shape (vectors, k,
        lanes): per lane, each weight encoded (lq_slq_encode) and framed
        (lq_slq_frame_value), one frame per vector."""
        x = np.asarray(weights, dtype=np.float64)
        if x.ndim != 3 or x.shape[2] != self.lanes:
            raise ValueError(f"logq: SlqDot.frames: weights {x.shape} must be (vectors, k, "
                             f"{self.lanes})")
        words, last = [], []
        for j in range(self.lanes):
            xj = np.ascontiguousarray(x[:, :, j])
            wj = np.zeros(xj.size * (2 * self.w.max_words - 1) + 1, dtype=np.uint32)
            nj = np.zeros(xj.shape, dtype=np.int32)
            _call(_lib.lib.lq_slq_frame_array, "SlqDot.frames: a weight is not finite",
                  ctypes.byref(self.w), self.framing, _ptr(xj), xj.size, _ptr(wj), _ptr(nj))
            per_vec = nj.sum(axis=1)
            lj = np.zeros(int(per_vec.sum()), dtype=np.uint8)
            lj[np.cumsum(per_vec)[per_vec > 0] - 1] = 1
            words.append(wj[:lj.size].copy())
            last.append(lj)
        return SlqStreams(words, last)

    def run(self, x, words, last, act_last=None):
        """Results of activations x through the lanes' word streams (words[j], last[j]
        for lane j, as frames gives them). x: (vectors, k) signed integers, act_bits
        wide, each vector's last implied; or (activations,) with act_last."""
        xa = np.asarray(x)
        if xa.ndim not in (1, 2):
            raise ValueError(f"logq: SlqDot.run: x {xa.shape} must be (vectors, k) or (k,)")
        if not _integral(xa):
            raise ValueError("logq: SlqDot.run: activations are integers (act_bits-bit signed)")
        al = _last_of("SlqDot.run", xa.shape, act_last, xa.ndim == 2)
        if len(words) != self.lanes or len(last) != self.lanes:
            raise ValueError(f"logq: SlqDot.run: {len(words)} word streams and {len(last)} "
                             f"last streams for {self.lanes} lanes")
        ws, ls = [np.asarray(v).reshape(-1) for v in words], [np.asarray(v).reshape(-1) for v in last]
        for j in range(self.lanes):
            if ws[j].shape != ls[j].shape:
                raise ValueError(f"logq: SlqDot.run: lane {j}: {ws[j].size} words, "
                                 f"{ls[j].size} last flags")
            if not _integral(ws[j]) or np.any(ws[j] < 0):
                raise ValueError(f"logq: SlqDot.run: lane {j}: words are non-negative integers")
        off = np.ascontiguousarray(np.concatenate([[0], np.cumsum([v.size for v in ws])]),
                                   dtype=np.uintp)
        wa = np.ascontiguousarray(np.concatenate(ws + [np.zeros(1)]), dtype=np.uint32)
        la = np.ascontiguousarray(np.concatenate(ls + [np.zeros(1)]), dtype=np.uint8)
        xc = np.ascontiguousarray(xa.reshape(-1), dtype=np.int64)
        nvec = max(1, int(al.sum()))
        acc = np.zeros((nvec, self.lanes), dtype=np.int64)
        err = np.zeros((nvec, self.lanes), dtype=np.uint8)
        nout, used = ctypes.c_long(0), ctypes.c_size_t(0)
        msg = ctypes.create_string_buffer(512)
        if _lib.lib.lq_slqdot_run(ctypes.byref(self.w), *self.args, _ptr(wa), _ptr(la),
                                  _ptr(off), _ptr(xc), _ptr(al), xc.size, _ptr(acc), _ptr(err),
                                  ctypes.byref(nout), ctypes.byref(used), msg, len(msg)) != 0:
            raise ValueError("logq: SlqDot.run: " + msg.value.decode())
        return SlqDotResult(acc[:nout.value].copy(), err[:nout.value].astype(bool), used.value)

    def values(self, acc):
        """The accumulators' values: acc * 2^(fsr - frac)."""
        return np.ldexp(np.asarray(acc, dtype=np.float64), self.w.fsr - self.frac)
