"""Self-gated activations ``z * gate(z)``: gelu, gelu_tanh, swish (silu) and mish.

They dip below zero for negative inputs and are not monotonic. Their negative tails shrink
like ``exp(-z**2/2)`` or ``exp(z)``, so the gate's argument is carried in double-double where
its rounding would be amplified, and results that land in the subnormals are formed at a
scaled exponent (see :mod:`kernels._stable`). Float32 results need none of that: their
``float32_kernel`` evaluates the plain formula in float64, in place (see :mod:`kernels.catalog`).
"""

from __future__ import annotations

import numpy as np

from kernels import _stable
from kernels.catalog import Activation, register
from kernels.traits import traits


def _gelu(x):
    """``max(x, 0) - |x| (1 - Phi(|x|))``: one erfc per element, no cancellation either side."""
    a = np.abs(x)
    return np.maximum(x, 0.0) - _stable.half_x_erfc(-a)


def _gelu32(x, out, scratch):
    """``max(x, 0) - |x| (1 - Phi(|x|))``: no cancellation on either side."""
    xf, a, tail, tmp = scratch
    xf[...] = x
    np.abs(xf, out=a)
    xf += a
    xf *= 0.5  # max(x, 0)
    _stable.normal_upper_tail(a, tail, tmp)
    tail *= a
    np.subtract(xf, tail, out=out, casting="same_kind")


def _gelu_slope(x):
    r = _stable.normal_cdf(x) + x * _stable.gaussian(x)
    tail = x < -30.0
    if tail.any():
        r[tail] = _stable.gelu_tail_slope(x[tail])
    return r


register(
    Activation(
        name="gelu",
        title="GELU",
        kernel=_gelu,
        derivative_kernel=_gelu_slope,
        float32_kernel=_gelu32,
        latex=r"z\,\Phi(z) = \frac{z}{2}\left(1+\operatorname{erf}\frac{z}{\sqrt{2}}\right)",
        derivative_latex=r"\Phi(z) + z\,\varphi(z)",
        description="Weights its input by the probability that a standard normal variable is "
        "below it; the default in Transformers such as BERT and GPT.",
        properties=traits(
            -0.16997120747990366,
            None,
            closed=(True, False),
            monotonic=False,
            smooth=True,
            minimum_at=-0.7517915246935645,
        ),
    )
)

# 2 sqrt(2/pi) and 0.044715, each as an unevaluated double-double sum
_GELU_C = _stable.dd("1.5957691216057307117597842397375095865107")
_GELU_K = _stable.dd("0.044715")
_GELU_CLIP = 30.0  # beyond it the gate is exactly 0 or 1 in double precision


# the gate is C x + D x**3 with D = C 0.044715; split so that the big products are exact:
# x = xh + xl with xh of 17 bits (xh**3 has 51 bits), C1 = C to 36 bits (C1 xh has 53)
_GELU_D = _stable.dd("0.0713548162726002487763387522798627411608259505")  # C 0.044715
_X_SPLITTER = 2.0**36 + 1.0
_C1 = _stable.split_constant(_GELU_C[0], 2.0**17 + 1.0)[0]
_C_REST = (_GELU_C[0] - _C1) + _GELU_C[1]
_D_SPLIT = _stable.split_constant(_GELU_D[0])


def _gelu_tanh_gate(x):
    """``(xc, t, t_lo)`` with ``t + t_lo = 2 sqrt(2/pi) (xc + 0.044715 xc**3)``.

    ``C1 xh + D xh**3`` is formed exactly (one Dekker product, one two_sum); what the splits
    leave out is 2**-16 of the gate or less, so plain float64 suffices for it.
    """
    xc = np.clip(x, -_GELU_CLIP, _GELU_CLIP)
    c = _X_SPLITTER * xc
    xh = c - (c - xc)
    xl = xc - xh
    h2 = xh * xh
    h3 = h2 * xh  # exact
    l3 = xl * (3.0 * h2 + xl * (3.0 * xh + xl))  # x**3 = h3 + l3
    cube, cube_lo = _stable.two_prod_split(_GELU_D[0], _D_SPLIT, h3)
    t, t_lo = _stable.two_sum(cube, _C1 * xh)
    t_lo += cube_lo + (_GELU_D[0] * l3 + _GELU_D[1] * h3) + (_C1 * xl + _C_REST * xc)
    # renormalise (Dekker's fast two-sum: both parts have the sign of x and |t| > |t_lo|)
    # so that t_lo can be applied as a first-order correction
    hi = t + t_lo
    return xc, hi, t_lo - (hi - t)


def _gelu_tanh(x):
    _, t, t_lo = _gelu_tanh_gate(x)
    return _stable.x_sigmoid(x, t, t_lo)


def _gelu_tanh32(x, out, scratch):
    """``x / (1 + exp(-t))``; an overflowing exp gives the right 0 (the true value is far
    below float32's subnormals there)."""
    xf, t = scratch[:2]
    xf[...] = x
    np.multiply(xf, xf, out=t)
    t *= -_GELU_C[0] * _GELU_K[0]
    t -= _GELU_C[0]
    t *= xf  # -t
    _stable.x_sigmoid32(xf, t, out)


def _gelu_tanh_slope(x):
    xc, t, _ = _gelu_tanh_gate(x)
    s, c = _stable.sigmoid_pair(t)
    return s + xc * s * c * (_GELU_C[0] * (1.0 + 3.0 * _GELU_K[0] * xc * xc))


register(
    Activation(
        name="gelu_tanh",
        title="GELU (tanh approximation)",
        kernel=_gelu_tanh,
        derivative_kernel=_gelu_tanh_slope,
        float32_kernel=_gelu_tanh32,
        latex=r"\frac{z}{2}\left(1+\tanh\left(\sqrt{2/\pi}\,(z+0.044715\,z^{3})\right)\right)",
        derivative_latex=r"\frac{1+\tanh u}{2} + \frac{z}{2}\,(1-\tanh^{2}u)\,\sqrt{2/\pi}\,"
        r"(1+0.134145\,z^{2}),\quad u=\sqrt{2/\pi}\,(z+0.044715\,z^{3})",
        description="The tanh approximation of GELU used by the original BERT and GPT-2 code.",
        properties=traits(
            -0.17004075057125405,
            None,
            closed=(True, False),
            monotonic=False,
            smooth=True,
            minimum_at=-0.7524614220710163,
        ),
    )
)


def _swish(x, beta):
    t, t_lo = _stable.scaled_arg(beta, x)
    return _stable.x_sigmoid(x, t, t_lo)


def _swish32(x, out, scratch, beta):
    xf, t = scratch[:2]
    xf[...] = x
    np.multiply(xf, -beta, out=t)
    _stable.x_sigmoid32(xf, t, out)


def _swish_slope(x, beta):
    t, _ = _stable.scaled_arg(beta, x)
    s, c = _stable.sigmoid_pair(t)
    return s * (1.0 + t * c)


register(
    Activation(
        name="swish",
        title="Swish / SiLU",
        kernel=_swish,
        derivative_kernel=_swish_slope,
        float32_kernel=_swish32,
        latex=r"z\,\sigma(\beta z)",
        derivative_latex=r"\sigma(\beta z) + \beta z\,\sigma(\beta z)\,\bigl(1-\sigma(\beta z)\bigr)",
        description="The input gated by its own sigmoid; found by automated search and "
        "called SiLU when beta = 1.",
        params={"beta": 1.0},
        properties=traits(
            -0.2784645427610738,
            None,
            closed=(True, False),
            monotonic=False,
            smooth=True,
            minimum_at=-1.2784645427610738,
        ),
    ),
    aliases=("silu",),
)


def _mish_parts(x):
    """Rational functions of ``e = exp(-|x|)``: with ``D = 1 + 2e + 2e^2`` (x > 0) and
    ``N = e (e + 2)`` (x <= 0), ``tanh(softplus(x))`` is ``1 - 2e^2 / D``, resp.
    ``N / (N + 2)``, and ``sech(softplus(x))**2`` is ``4 (e (1 + e))^2 / D^2``, resp.
    ``4 (1 + e)^2 / (N + 2)^2``: no overflow and no cancellation on either side."""
    e = np.exp(-np.abs(x))
    num = e * (e + 2.0)
    den = 1.0 + 2.0 * e + 2.0 * e * e
    return e, num, den


def _mish(x):
    e, num, den = _mish_parts(x)
    r = _stable.select(x > 0, x - x * (2.0 * e * e / den), x * (num / (num + 2.0)))
    deep = x < -708.0
    if deep.any():
        xd = x[deep]
        r[deep] = _stable.unscale(xd * _stable.scaled_exp(xd))
    return r


def _mish32(x, out, scratch):
    """``x N / (N + 2)`` with ``N = e (e + 2)``, ``e = exp(min(x, 20))``: past 20 the gate is 1
    to far better than float32 precision, and the clip keeps ``N`` finite."""
    xf, n, d = scratch[:3]
    xf[...] = x
    np.minimum(xf, 20.0, out=n)
    np.exp(n, out=n)
    np.add(n, 2.0, out=d)
    n *= d
    np.add(n, 2.0, out=d)
    n /= d
    np.multiply(xf, n, out=out, casting="same_kind")


def _mish_slope(x):
    e, num, den = _mish_parts(x)
    positive = x > 0
    one_plus = 1.0 + e
    tanh_sp = _stable.select(positive, 1.0 - 2.0 * e * e / den, num / (num + 2.0))
    sech2 = _stable.select(positive, (e * one_plus / den) ** 2, (one_plus / (num + 2.0)) ** 2)
    sech2 *= 4.0
    return tanh_sp + x * sech2 * _stable.sigmoid(x)


register(
    Activation(
        name="mish",
        title="Mish",
        kernel=_mish,
        derivative_kernel=_mish_slope,
        float32_kernel=_mish32,
        latex=r"z\,\tanh\bigl(\operatorname{softplus}(z)\bigr)",
        derivative_latex=r"\tanh\bigl(\operatorname{softplus}(z)\bigr) + z\,\sigma(z)\,"
        r"\operatorname{sech}^{2}\bigl(\operatorname{softplus}(z)\bigr)",
        description="z * tanh(softplus(z)): a smooth, non-monotonic gate similar to swish.",
        properties=traits(
            -0.3088434130172504,
            None,
            closed=(True, False),
            monotonic=False,
            smooth=True,
            minimum_at=-1.1924312145154952,
        ),
    )
)
