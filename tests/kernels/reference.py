"""mpmath definitions of every catalog function and its derivative, for the accuracy tests.

Each reference is the textbook formula evaluated in 192-bit arithmetic on the exact double
input (parameters at their double defaults), so the results are the "exact" values the
catalog's float64 output is measured against in ULPs.
"""

from __future__ import annotations

import mpmath as mp

from kernels.functions import SELU_ALPHA, SELU_SCALE

mp.mp.prec = 192
ONE, ZERO = mp.mpf(1), mp.mpf(0)

_SQRT_2_OVER_PI = mp.sqrt(2 / mp.pi)
_K = mp.mpf("0.044715")


def _sigmoid(x):
    return 1 / (1 + mp.exp(-x))


def _softplus(x):
    return max(x, 0) + mp.log1p(mp.exp(-abs(x)))


_FAR = 60  # beyond it erfc and exp(-x**2/2) are far below the smallest subnormal
_BEYOND_SUBNORMAL = mp.ldexp(1, -1200)


def _gelu(x):
    """x Phi(x); mpmath's erfc cannot take huge arguments, so the tails are cut off at 60."""
    if x > _FAR:
        return x
    return -_BEYOND_SUBNORMAL if x < -_FAR else x * mp.ncdf(x)


def _gelu_slope(x):
    if x > _FAR:
        return ONE
    return -_BEYOND_SUBNORMAL if x < -_FAR else mp.ncdf(x) + x * _phi(x)


def _phi(x):
    return mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)


def _gelu_tanh_gate(x):
    u = _SQRT_2_OVER_PI * (x + _K * x**3)
    return u, 1 / (1 + mp.exp(-2 * u))  # (1 + tanh u) / 2 without cancellation


def _gelu_tanh_slope(x):
    u, s = _gelu_tanh_gate(x)
    return s + x * 2 * s * (1 - s) * _SQRT_2_OVER_PI * (1 + 3 * _K * x * x)


def _mish_slope(x):
    sp = _softplus(x)
    return mp.tanh(sp) + x * _sigmoid(x) * mp.sech(sp) ** 2


def _kink(x, below, above):
    return above if x > 0 else below


SIXTH = ONE / 6

# name -> (f, f'); each takes an mpf
REFERENCES = {
    "identity": (lambda x: x, lambda x: ONE),
    "step": (lambda x: ONE if x >= 0 else ZERO, lambda x: ZERO),
    "sigmoid": (_sigmoid, lambda x: _sigmoid(x) * _sigmoid(-x)),
    "tanh": (mp.tanh, lambda x: mp.sech(x) ** 2),
    "relu": (lambda x: max(x, 0), lambda x: _kink(x, ZERO, ONE)),
    "leaky_relu": (
        lambda x: x if x > 0 else x * mp.mpf(0.01),
        lambda x: _kink(x, mp.mpf(0.01), ONE),
    ),
    "prelu": (lambda x: x if x > 0 else x / 4, lambda x: _kink(x, mp.mpf(0.25), ONE)),
    "elu": (lambda x: x if x > 0 else mp.expm1(x), lambda x: ONE if x > 0 else mp.exp(x)),
    "selu": (
        lambda x: mp.mpf(SELU_SCALE) * (x if x > 0 else mp.mpf(SELU_ALPHA) * mp.expm1(x)),
        lambda x: mp.mpf(SELU_SCALE) * (1 if x > 0 else mp.mpf(SELU_ALPHA) * mp.exp(x)),
    ),
    "softplus": (_softplus, _sigmoid),
    "softsign": (lambda x: x / (1 + abs(x)), lambda x: 1 / (1 + abs(x)) ** 2),
    "gelu": (_gelu, _gelu_slope),
    "gelu_tanh": (lambda x: x * _gelu_tanh_gate(x)[1], _gelu_tanh_slope),
    "swish": (lambda x: x * _sigmoid(x), lambda x: _sigmoid(x) * (1 + x * _sigmoid(-x))),
    "mish": (lambda x: x * mp.tanh(_softplus(x)), _mish_slope),
    "hard_sigmoid": (
        lambda x: min(max(x + 3, 0), 6) / 6,
        lambda x: SIXTH if -3 < x < 3 else ZERO,
    ),
    "hard_swish": (
        lambda x: x * min(max(x + 3, 0), 6) / 6,
        lambda x: ZERO if x <= -3 else (x / 3 + mp.mpf(0.5) if x < 3 else ONE),
    ),
    "relu6": (lambda x: min(max(x, 0), 6), lambda x: ONE if 0 < x < 6 else ZERO),
}

# zeros of f' where only an absolute error of 1e-15 is asked for
DERIVATIVE_ZEROS = {
    "gelu": -0.7517915246935645,
    "gelu_tanh": -0.7524614220710163,
    "swish": -1.2784645427610738,
    "mish": -1.1924312145154952,
}


def ulp_error(got: float, exact, *, mantissa_bits: int = 53, min_exponent: int = -1022) -> float:
    """|got - exact| in units in the last place of ``exact`` (subnormal spacing below)."""
    if exact == 0:
        spacing_exp = min_exponent
    else:
        _, e = mp.frexp(exact)
        spacing_exp = max(int(e) - 1, min_exponent)
    spacing = mp.ldexp(1, spacing_exp - mantissa_bits + 1)
    return float(abs(mp.mpf(float(got)) - exact) / spacing)


def ulp_error32(got: float, exact) -> float:
    return ulp_error(got, exact, mantissa_bits=24, min_exponent=-126)
