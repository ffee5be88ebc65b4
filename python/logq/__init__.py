"""logq: the bit-accurate C model of logq (liblogq.so) for NumPy arrays.

    import numpy as np, logq
    f = logq.fmt("logsqrt2", bits=5, fsr=1)
    codes = logq.quantize(np.array([0.3, -1.7]), f)     # uint32 codes
    logq.dequantize(codes, f)                            # their exact values

Every function is one call into the C model (cmodel/batch.c), so its results are the
command line's (`logq quant`, `logq slq`, `logq vectors mac`). docs/python.md is the
guide; docs/formats.md defines every format.
"""

import ctypes
import math
import re
from collections import namedtuple

import numpy as np

from . import _lib

__all__ = ["fmt", "quantize", "dequantize", "slq_encode", "slq_decode", "slq_words",
           "Mac", "Quantizer", "SlqCodes", "SCHEMES", "MODES"]
__version__ = "0.1.0"

SCHEMES = {"linear": 0, "log2": 1, "logsqrt2": 2, "slq": 3}
ROUNDINGS = {"nearest": 0, "floor": 1}
MODES = {"shift": 0, "loglog": 1, "mult": 2}
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
        a = np.asarray(a)
        w = np.asarray(w)
        n = self.cfg.lanes
        if a.shape != w.shape or a.shape[-1] != n or a.ndim not in (2, 3):
            raise ValueError(f"logq: Mac.run: a {a.shape} and w {w.shape} must both be "
                             f"(vectors, beats, {n}) or (beats, {n})")
        if a.ndim == 3:
            if last is not None:
                raise ValueError("logq: Mac.run: last is implied by (vectors, beats, lanes)")
            nv, nb = a.shape[:2]
            lastv = np.zeros((nv, nb), dtype=np.uint8)
            lastv[:, -1] = 1
        else:
            if last is None:
                raise ValueError("logq: Mac.run: a stream of (beats, lanes) needs last")
            lastv = np.asarray(last).astype(np.uint8)
            if lastv.shape != a.shape[:1]:
                raise ValueError(f"logq: Mac.run: last {lastv.shape} must be ({a.shape[0]},)")
        if np.any(a < 0) or np.any(w < 0):
            raise ValueError("logq: Mac.run: codes are non-negative")
        ac = np.ascontiguousarray(a.reshape(-1, n), dtype=np.uint32)
        wc = np.ascontiguousarray(w.reshape(-1, n), dtype=np.uint32)
        lc = np.ascontiguousarray(lastv.reshape(-1), dtype=np.uint8)
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
