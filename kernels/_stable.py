"""Numerically stable building blocks shared by the catalog entries.

Each primitive takes float64 arrays and avoids the textbook formulas that overflow, cancel or
lose the rounding of their argument (``1/(1+exp(-x))``, ``log(1+exp(x))``, ``1-tanh(x)**2``).
Where the rounding of an argument is amplified, the argument is carried as an unevaluated
sum ``hi + lo`` (double-double) computed with the error-free transformations below.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

_SPLITTER = 134217729.0  # 2**27 + 1, Veltkamp's splitting constant
_SCALE_BITS = 64  # extra exponent range used when a result lands in the subnormals
_LN2_HI = 0.6931471805599453
_LN2_LO = 2.3190468138462996e-17
_SHIFT_HI = _SCALE_BITS * _LN2_HI  # exact: a power-of-two multiple of a double
_SHIFT_LO = _SCALE_BITS * _LN2_LO
_EXP_SUBNORMAL = -708.0  # exp(t) is subnormal (or close to it) below this
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
INV_SQRT_2PI = 0.3989422804014327


def dd(text: str) -> tuple[float, float]:
    """Split a decimal constant into a double-double ``(hi, lo)``."""
    from decimal import Decimal, getcontext

    getcontext().prec = 60
    hi = float(text)
    lo = float(Decimal(text) - Decimal(hi))
    return hi, lo


def two_sum(a, b):
    """``a + b == s + e`` exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _split(a):
    c = _SPLITTER * a
    hi = c - (c - a)
    return hi, a - hi


def two_prod(a, b):
    """``a * b == p + e`` exactly (Dekker); needs ``|a|, |b| < 1e290``."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def split_constant(c: float, splitter: float = _SPLITTER) -> tuple[float, float]:
    """Veltkamp's split of a Python float: ``c == hi + lo``, ``hi`` of 53 - log2(splitter-1)
    bits."""
    t = splitter * c
    hi = t - (t - c)
    return hi, c - hi


def two_prod_split(a: float, a_split: tuple[float, float], b):
    """:func:`two_prod` of a constant ``a``, split beforehand by :func:`split_constant`."""
    a_hi, a_lo = a_split
    p = a * b
    bh, bl = _split(b)
    return p, ((a_hi * bh - p) + a_hi * bl + a_lo * bh) + a_lo * bl


def select(mask, a, b):
    """``np.where(mask, a, b)`` for float64 arrays, bit for bit, without branches.

    np.where branches per element, which costs ~4 ns an element on data of random sign;
    blending the bit patterns costs a few fast passes instead.
    """
    a, b = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(b, np.float64))
    bits = -mask.view(np.int8).astype(np.int64)
    ai, bi = a.view(np.int64), b.view(np.int64)
    return (bi ^ ((ai ^ bi) & bits)).view(np.float64)


def sigmoid_pair(t, both=True):
    """``(sigmoid(t), sigmoid(-t))`` without overflow or cancellation (``both=False``: only
    ``sigmoid(t)``, the same bits)."""
    e = np.exp(-np.abs(t))
    r = 1.0 / (1.0 + e)
    # numerators 1 and e, swapped for negative t: max(e, [t >= 0]) is 1 or e exactly
    s = np.maximum(e, t >= 0) * r
    return (s, np.maximum(e, t < 0) * r) if both else s


def sigmoid(t):
    e = np.exp(-np.abs(t))
    return np.maximum(e, t >= 0) / (1.0 + e)


def sigmoid_slope(t):
    """``sigmoid'(t) = e / (1 + e)**2`` with ``e = exp(-|t|)``."""
    e = np.exp(-np.abs(t))
    return e / ((1.0 + e) * (1.0 + e))


def softplus(t):
    """``log(1 + exp(t)) = max(t, 0) + log1p(exp(-|t|))``."""
    return np.maximum(t, 0.0) + np.log1p(np.exp(-np.abs(t)))


def scaled_exp(t_hi, t_lo=0.0):
    """``exp(t_hi + t_lo) * 2**64``: keeps full precision where ``exp(t)`` is subnormal."""
    s, e = two_sum(t_hi, _SHIFT_HI)
    return np.exp(s) * (1.0 + (e + (_SHIFT_LO + t_lo)))


def unscale(v):
    """Undo the ``2**64`` of :func:`scaled_exp` with a single rounding."""
    return np.ldexp(v, -_SCALE_BITS)


def x_sigmoid(x, t, t_lo=None):
    """``x * sigmoid(t + t_lo)``, accurate also where the result is subnormal.

    ``t_lo`` is the low part of a double-double argument; it is applied as the first-order
    correction ``sigmoid(t) * (1 + t_lo * sigmoid(-t))``.
    """
    if t_lo is None:
        r = x * sigmoid_pair(t, both=False)
    else:
        s = sigmoid_pair(t, both=False)
        r = x * s
        r *= 1.0 + t_lo * (1.0 - s)  # 1 - s only scales a ~1e-16 term: cancelling is harmless
    deep = t < _EXP_SUBNORMAL
    if deep.any():
        td = t[deep]
        lo = 0.0 if t_lo is None else t_lo[deep]
        r[deep] = unscale(x[deep] * scaled_exp(td, lo) / (1.0 + np.exp(td)))
    return r


def scaled_arg(beta: float, x):
    """``(t, t_lo)`` with ``t + t_lo = beta * x`` (``t_lo`` None when exact or unneeded).

    ``x`` is clipped where ``|beta x| > 800``, beyond which exp(-|t|) is 0 and nothing
    depends on ``t`` any more; this keeps the product finite for any finite input.
    """
    if beta == 1.0:
        return x, None
    if beta == 0.0:
        return np.zeros_like(x), None
    limit = min(800.0 / abs(beta), 1e280)
    xc = np.clip(x, -limit, limit)
    if not 1e-250 < abs(beta) < 1e250:
        return beta * xc, None
    return two_prod(beta, xc)


def tanh_slope(x):
    """``1 - tanh(x)**2 = 4e / (1 + e)**2`` with ``e = exp(-2|x|)``."""
    e = np.exp(-2.0 * np.minimum(np.abs(x), 400.0))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


# --- Gaussian tail -------------------------------------------------------------------------

_INV_SQRT2 = dd("0.70710678118654752440084436210484903928483593768847")
_MILLS_TAIL_START = -30.0
# x (1 - Phi(x)) / phi(x) ~ sum (-1)^k (2k-1)!! / x^(2k): accurate to 1 ulp for |x| >= 30
_MILLS_SERIES = [(-1) ** k * math.prod(range(1, 2 * k, 2)) for k in range(11)]


def half_x_erfc(x):
    """``0.5 * |x| * erfc(|x| / sqrt 2)`` for ``x <= 0``, i.e. ``-gelu(x)``.

    ``|x| / sqrt 2`` is carried as double-double and its low part applied as a first-order
    correction, because erfc amplifies the relative rounding of its argument by ``x**2``.
    scipy's erfc forms ``exp(-u*u)`` from the rounded square; the product's exact low part
    repairs that. Below ``x = -30`` (results down into the subnormals) the asymptotic Mills
    series times ``exp(-x**2/2)`` from an exact square is used instead.
    """
    a = np.abs(x)
    tail = x < _MILLS_TAIL_START
    if tail.any():
        a = np.where(tail, 1.0, a)
    u, u_lo = two_prod(a, _INV_SQRT2[0])
    u_lo = u_lo + a * _INV_SQRT2[1]
    sq, sq_lo = two_prod(u, u)
    core = special.erfc(u)
    core *= 1.0 - sq_lo * (u >= 1.0)  # the repair applies where scipy forms exp(-u*u)
    core -= u_lo * TWO_OVER_SQRT_PI * np.exp(-sq)
    r = 0.5 * a * core
    if tail.any():
        r[tail] = gaussian_tail(x[tail])
    return r


def gaussian(x):
    """``phi(x) = exp(-x**2 / 2) / sqrt(2 pi)`` with the square taken exactly."""
    xc = np.minimum(np.abs(x), 40.0)
    h, lo = two_prod(xc, xc)
    return INV_SQRT_2PI * np.exp(-0.5 * h) * (1.0 - 0.5 * lo)


def _mills_tail(x, factor):
    """``factor(|x|, S) * phi(x)`` for ``x <= -30``, with ``S = |x| (1 - Phi(|x|)) / phi(x)``.

    The factor is applied before the final ``exp`` so that a subnormal result is rounded once.
    """
    xc = np.maximum(x, -40.0)  # exp(-800) is 0: clipping keeps x**2 finite
    w = 1.0 / (xc * xc)
    series = np.zeros_like(w)
    for coefficient in reversed(_MILLS_SERIES):
        series = series * w + coefficient
    h, lo = two_prod(xc, xc)
    return (INV_SQRT_2PI * factor(-xc, series) * (1.0 - 0.5 * lo)) * np.exp(-0.5 * h)


def gaussian_tail(x):
    """``0.5 |x| erfc(|x|/sqrt 2) = phi(x) S`` for ``x <= -30``."""
    return _mills_tail(x, lambda a, series: series)


def gelu_tail_slope(x):
    """``Phi(x) + x phi(x) = -phi(x) (|x| - S/|x|)`` for ``x <= -30``."""
    return _mills_tail(x, lambda a, series: series / a - a)


def normal_cdf(x):
    """``Phi(x)`` for the derivative of gelu (relative accuracy ~1e-15)."""
    return 0.5 * special.erfc(-x * _INV_SQRT2[0])


# --- float32 results: ~1e-8 relative accuracy, in place on scratch buffers -----------------


def horner(coefficients, t, out):
    """``sum(c[i] t**i)`` into ``out`` (coefficients from the constant term up)."""
    np.multiply(t, coefficients[-1], out=out)
    for c in coefficients[-2:0:-1]:
        out += c
        out *= t
    out += coefficients[0]
    return out


def horner_monic(coefficients, t, out):
    """:func:`horner` for a leading coefficient of 1 (one multiplication less)."""
    np.add(t, coefficients[-2], out=out)
    for c in coefficients[-3::-1]:
        out *= t
        out += c
    return out


def x_sigmoid32(x, minus_t, out):
    """``x / (1 + exp(-t))`` into the float32 ``out``, given ``-t`` (overwritten).

    Where ``exp(-t)`` overflows the quotient is the correct 0 (``|x| e^t`` is far below
    float32's subnormals there), so that overflow is expected and silenced.
    """
    with np.errstate(over="ignore"):
        np.exp(minus_t, out=minus_t)
    minus_t += 1.0
    np.divide(x, minus_t, out=out, casting="same_kind")


# 1 - Phi(a) = exp(-a**2/2) P(a) / Q(a), a minimax fit of relative error < 7.1e-9 on
# 0 <= a <= 16 (beyond, the tail is below 1e-57: zero in float32); all coefficients are
# positive, so the Horner sums do not cancel.
_TAIL_P = (
    47.243190708489436,
    41.67906797246025,
    17.511319246098612,
    3.90630870255002,
    0.3989459678935484,
)
_TAIL_Q = (
    94.48638074828239,
    158.7474073163083,
    114.44102567699402,
    44.881709126200356,
    9.792187073856459,
    1.0,
)


def normal_upper_tail(a, out, tmp):
    """``1 - Phi(a) = erfc(a / sqrt 2) / 2`` for ``a >= 0`` into ``out``; ``tmp`` is scratch.

    A vectorized erfc for float32 results (scipy's costs ~9 ns an element). Finite for any
    ``a`` below 1e60 (every float32): far out the exponential is 0 and the rational part
    stays finite.
    """
    horner(_TAIL_P, a, out)
    horner_monic(_TAIL_Q, a, tmp)
    out /= tmp
    np.multiply(a, a, out=tmp)
    tmp *= -0.5
    np.exp(tmp, out=tmp)
    out *= tmp
    return out
