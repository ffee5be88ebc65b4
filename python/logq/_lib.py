"""Loading liblogq.so and the ctypes mirrors of the structs that cross the boundary
(lq_format, lq_mac_config, lq_qhw_cfg, lq_logdot_cfg) and the widths (lq_mac_widths). The library
reports the C sizes, and loading fails if a mirror disagrees, so a changed header
cannot silently corrupt a call."""

import ctypes
import ctypes.util
import os

SLQ_WORDS_MAX = 8
MAC_LIMBS = 8
FRAC_EXACT = -100000


class Format(ctypes.Structure):
    _fields_ = [
        ("scheme", ctypes.c_int),
        ("bits", ctypes.c_int),
        ("fsr", ctypes.c_int),
        ("rounding", ctypes.c_int),
        ("is_signed", ctypes.c_bool),
        ("max_words", ctypes.c_int),
        ("theta", ctypes.c_double),
    ]


class MacConfig(ctypes.Structure):
    _fields_ = [
        ("mode", ctypes.c_int),
        ("lanes", ctypes.c_int),
        ("w", Format),
        ("a", Format),
        ("sqrt2_frac", ctypes.c_int),
        ("frac", ctypes.c_int),
        ("max_beats", ctypes.c_long),
        ("fault", ctypes.c_int),
    ]


class MacWidths(ctypes.Structure):
    _fields_ = [(name, ctypes.c_int) for name in (
        "a_ext", "w_mag", "a_mag", "shift_max", "half", "odd_offset", "frac_exact", "frac",
        "trunc", "split", "prod_bits", "prod_out_bits", "tree_levels", "tree_bits", "out_bits",
        "out_lsb_exp")] + [("sqrt2_const", ctypes.c_uint32)]


class QhwConfig(ctypes.Structure):
    _fields_ = [
        ("lanes", ctypes.c_int),
        ("in_bits", ctypes.c_int),
        ("in_signed", ctypes.c_int),
        ("in_lsb", ctypes.c_int),
        ("relu", ctypes.c_int),
        ("out", Format),
        ("fault", ctypes.c_int),
    ]


class LogdotCfg(ctypes.Structure):
    _fields_ = [
        ("lanes", ctypes.c_int),
        ("act", Format),
        ("wgt", Format),
        ("corr", ctypes.c_int),
        ("frac", ctypes.c_int),
        ("table_bits", ctypes.c_int),
        ("out_frac", ctypes.c_int),
        ("out_bits", ctypes.c_int),
        ("fault", ctypes.c_int),
    ]


def _candidates():
    env = os.environ.get("LOGQ_LIB")
    if env:
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    found = ctypes.util.find_library("logq")
    return [os.path.join(here, "liblogq.so"),
            os.path.join(here, "..", "..", "build", "liblogq.so")] + ([found] if found else [])


def _load():
    tried = []
    for path in _candidates():
        if path and (os.path.exists(path) or not os.path.dirname(path)):
            try:
                return ctypes.CDLL(path)
            except OSError as e:
                tried.append(f"{path}: {e}")
        else:
            tried.append(f"{path}: no such file")
    raise OSError("logq: cannot load liblogq.so (build it with `make build/liblogq.so` and "
                  "set LOGQ_LIB to its path); tried " + "; ".join(tried))


lib = _load()

P = ctypes.POINTER
c_size_p = P(ctypes.c_size_t)
_sig = {
    "lq_sizeof_format": (ctypes.c_size_t, []),
    "lq_sizeof_mac_config": (ctypes.c_size_t, []),
    "lq_sizeof_mac_widths": (ctypes.c_size_t, []),
    "lq_format_check": (ctypes.c_int, [P(Format), ctypes.c_char_p, ctypes.c_size_t]),
    "lq_quantize_array": (ctypes.c_int, [P(Format), ctypes.c_void_p, ctypes.c_size_t,
                                         ctypes.c_void_p, c_size_p]),
    "lq_dequantize_array": (ctypes.c_int, [P(Format), ctypes.c_void_p, ctypes.c_size_t,
                                           ctypes.c_void_p, c_size_p]),
    "lq_slq_encode_array": (ctypes.c_int, [P(Format), ctypes.c_void_p, ctypes.c_size_t,
                                           ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                                           c_size_p]),
    "lq_slq_decode_array": (ctypes.c_int, [P(Format), ctypes.c_void_p, ctypes.c_void_p,
                                           ctypes.c_size_t, ctypes.c_void_p, c_size_p]),
    "lq_slq_word_array": (None, [P(Format), ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]),
    "lq_sizeof_qhw_cfg": (ctypes.c_size_t, []),
    "lq_qhw_check": (ctypes.c_int, [P(QhwConfig), ctypes.c_char_p, ctypes.c_size_t]),
    "lq_qhw_run": (ctypes.c_int, [P(QhwConfig), ctypes.c_void_p, ctypes.c_long,
                                  ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]),
    "lq_mac_derive": (ctypes.c_int, [P(MacConfig), P(MacWidths), ctypes.c_char_p,
                                     ctypes.c_size_t]),
    "lq_mac_run": (ctypes.c_int, [P(MacConfig), ctypes.c_void_p, ctypes.c_void_p,
                                  ctypes.c_void_p, ctypes.c_long, ctypes.c_void_p,
                                  P(ctypes.c_long), P(MacWidths), ctypes.c_char_p,
                                  ctypes.c_size_t]),
    "lq_sizeof_logdot_cfg": (ctypes.c_size_t, []),
    "lq_logdot_check": (ctypes.c_int, [P(LogdotCfg), ctypes.c_char_p, ctypes.c_size_t]),
    "lq_logdot_run": (ctypes.c_int, [P(LogdotCfg), ctypes.c_void_p, ctypes.c_void_p,
                                     ctypes.c_void_p, ctypes.c_long, ctypes.c_void_p,
                                     ctypes.c_void_p, P(ctypes.c_long), ctypes.c_char_p,
                                     ctypes.c_size_t]),
    "lq_slqdot_check": (ctypes.c_int, [P(Format)] + [ctypes.c_int] * 5
                        + [ctypes.c_char_p, ctypes.c_size_t]),
    "lq_slq_frame_array": (ctypes.c_int, [P(Format), ctypes.c_int, ctypes.c_void_p,
                                          ctypes.c_size_t, ctypes.c_void_p, ctypes.c_void_p,
                                          c_size_p]),
    "lq_slqdot_run": (ctypes.c_int, [P(Format)] + [ctypes.c_int] * 5
                      + [ctypes.c_void_p] * 5 + [ctypes.c_size_t, ctypes.c_void_p,
                                                 ctypes.c_void_p, P(ctypes.c_long), c_size_p,
                                                 ctypes.c_char_p, ctypes.c_size_t]),
}
for _name, (_res, _args) in _sig.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args

for _c, _py in (("lq_sizeof_format", Format), ("lq_sizeof_mac_config", MacConfig),
                ("lq_sizeof_mac_widths", MacWidths), ("lq_sizeof_qhw_cfg", QhwConfig),
                ("lq_sizeof_logdot_cfg", LogdotCfg)):
    if getattr(lib, _c)() != ctypes.sizeof(_py):
        raise OSError(f"logq: {_c}() is {getattr(lib, _c)()} bytes but the binding's "
                      f"{_py.__name__} is {ctypes.sizeof(_py)}: the binding and liblogq.so "
                      "are out of step")
