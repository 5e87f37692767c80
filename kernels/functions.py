"""The catalog: one entry per activation, forward and derivative side by side.

Definitions and defaults follow ``torch.nn.functional`` (including the value of the
derivative at a kink), except softplus, which is the exact ``log(1 + e^z)`` without PyTorch's
threshold shortcut. Kernels take a float64 array and return a new float64 array; the public
calling convention lives in :mod:`kernels.catalog`. Gated functions (gelu, swish, mish, ...)
are in :mod:`kernels.gated`, softmax in :mod:`kernels.softmax`.
"""

from __future__ import annotations

import numpy as np

from kernels import _stable
from kernels.catalog import Activation, register
from kernels.traits import traits

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_SELU_SCALED_ALPHA = SELU_SCALE * SELU_ALPHA


def _kink(x, below, above):
    """``below`` where ``x <= 0``, ``above`` where ``x > 0`` (PyTorch's side at 0)."""
    return _stable.select(x > 0, above, below)


def _indicator(mask):
    """1.0 where ``mask`` holds, else 0.0."""
    return mask.astype(np.float64)


register(
    Activation(
        name="identity",
        title="Identity",
        kernel=lambda x: x + 0.0,
        derivative_kernel=lambda x: np.ones_like(x),
        latex=r"z",
        derivative_latex=r"1",
        description="Passes its input through unchanged; a network of identities is linear.",
        properties=traits(None, None, monotonic=True, smooth=True, zero_centered=True, odd=True),
    )
)

register(
    Activation(
        name="step",
        title="Heaviside step",
        kernel=lambda x: _indicator(x >= 0),
        derivative_kernel=lambda x: np.zeros_like(x),
        latex=r"\begin{cases}1 & z \ge 0\\ 0 & z < 0\end{cases}",
        derivative_latex=r"0 \quad (z \ne 0)",
        description="Outputs 1 for non-negative input and 0 otherwise; its zero gradient "
        "is why perceptrons could not be trained by backpropagation.",
        properties=traits(
            0.0,
            1.0,
            closed=(True, True),
            monotonic=True,
            smooth=False,
            continuous=False,
            saturating=True,
            sparse=True,
        ),
    )
)


def _sigmoid32(x, out, scratch):
    """``1 / (1 + exp(-x))``: an overflowing exp gives the correct 0."""
    t = scratch[0]
    np.negative(x, out=t)
    with np.errstate(over="ignore"):
        np.exp(t, out=t)
    t += 1.0
    np.divide(1.0, t, out=out, casting="same_kind")


register(
    Activation(
        name="sigmoid",
        title="Sigmoid",
        kernel=_stable.sigmoid,
        derivative_kernel=_stable.sigmoid_slope,
        float32_kernel=_sigmoid32,
        latex=r"\sigma(z) = \frac{1}{1+e^{-z}}",
        derivative_latex=r"\sigma(z)\,\bigl(1-\sigma(z)\bigr)",
        description="Squashes any input into (0, 1); its slope is at most 1/4, so deep "
        "stacks of sigmoids shrink gradients.",
        properties=traits(0.0, 1.0, monotonic=True, smooth=True, saturating=True, max_slope=0.25),
    )
)

register(
    Activation(
        name="tanh",
        title="Tanh",
        kernel=np.tanh,
        derivative_kernel=_stable.tanh_slope,
        latex=r"\tanh(z) = \frac{e^{z}-e^{-z}}{e^{z}+e^{-z}}",
        derivative_latex=r"1-\tanh^{2}(z)",
        description="A zero-centred sigmoid with range (-1, 1) and slope 1 at the origin.",
        properties=traits(
            -1.0,
            1.0,
            monotonic=True,
            smooth=True,
            zero_centered=True,
            saturating=True,
            odd=True,
            max_slope=1.0,
        ),
    )
)

register(
    Activation(
        name="relu",
        title="ReLU",
        kernel=lambda x: np.maximum(x, 0.0),
        derivative_kernel=lambda x: _kink(x, 0.0, 1.0),
        latex=r"\max(0, z)",
        derivative_latex=r"\begin{cases}1 & z > 0\\ 0 & z \le 0\end{cases}",
        description="Keeps positive inputs and zeroes negative ones: cheap, sparse, and "
        "free of vanishing gradients for positive inputs.",
        properties=traits(
            0.0, None, closed=(True, False), monotonic=True, smooth=False, sparse=True
        ),
    )
)


def _negative_slope(x, slope):
    if 0.0 <= slope <= 1.0:
        return np.maximum(x, x * slope)  # exact: picks x or x * slope
    return _stable.select(x > 0, x, x * slope)


def _negative_slope_entry(name, title, param, default, symbol, description):
    """leaky_relu and prelu: identity for z > 0, slope ``param`` below (PyTorch: at 0 too)."""
    return Activation(
        name=name,
        title=title,
        kernel=lambda x, **p: _negative_slope(x, p[param]),
        derivative_kernel=lambda x, **p: _kink(x, p[param], 1.0),
        latex=rf"\max(0, z) + {symbol}\,\min(0, z)",
        derivative_latex=rf"\begin{{cases}}1 & z > 0\\ {symbol} & z \le 0\end{{cases}}",
        description=description,
        params={param: default},
        properties=traits(None, None, monotonic=True, smooth=False),
    )


register(
    _negative_slope_entry(
        "leaky_relu",
        "Leaky ReLU",
        "negative_slope",
        0.01,
        r"\alpha",
        "A ReLU with a small slope for negative inputs, so no unit dies.",
    )
)
register(
    _negative_slope_entry(
        "prelu",
        "PReLU",
        "weight",
        0.25,
        "w",
        "A leaky ReLU whose negative slope w is learned (PyTorch starts it at 0.25).",
    )
)


def _elu(x, alpha):
    return np.maximum(x, 0.0) + alpha * np.expm1(np.minimum(x, 0.0))  # one side is 0


def _elu32(x, out, scratch, alpha, scale=1.0):
    """``scale (max(x, 0) + alpha expm1(min(x, 0)))`` from ``x +- |x|`` (exact halves)."""
    xf, a, neg = scratch[:3]
    xf[...] = x
    np.abs(xf, out=a)
    np.subtract(xf, a, out=neg)
    neg *= 0.5
    np.expm1(neg, out=neg)
    neg *= scale * alpha
    xf += a
    xf *= 0.5 * scale
    np.add(xf, neg, out=out, casting="same_kind")


def _elu_slope(x, alpha):
    return _kink(x, alpha * np.exp(np.minimum(x, 0.0)), 1.0)


register(
    Activation(
        name="elu",
        title="ELU",
        kernel=_elu,
        derivative_kernel=_elu_slope,
        float32_kernel=_elu32,
        latex=r"\begin{cases}z & z > 0\\ \alpha\,(e^{z}-1) & z \le 0\end{cases}",
        derivative_latex=r"\begin{cases}1 & z > 0\\ \alpha\,e^{z} & z \le 0\end{cases}",
        description="Identity for positive inputs and a smooth exponential approach to "
        "-alpha for negative ones, pushing mean activations towards zero.",
        params={"alpha": 1.0},
        properties=traits(-1.0, None, monotonic=True, smooth=True),
    )
)


def _selu(x):
    neg = _SELU_SCALED_ALPHA * np.expm1(np.minimum(x, 0.0))
    return SELU_SCALE * np.maximum(x, 0.0) + neg  # one side is 0


def _selu32(x, out, scratch):
    _elu32(x, out, scratch, SELU_ALPHA, SELU_SCALE)


def _selu_slope(x):
    return _kink(x, _SELU_SCALED_ALPHA * np.exp(np.minimum(x, 0.0)), SELU_SCALE)


register(
    Activation(
        name="selu",
        title="SELU",
        kernel=_selu,
        derivative_kernel=_selu_slope,
        float32_kernel=_selu32,
        latex=r"\lambda\begin{cases}z & z > 0\\ \alpha\,(e^{z}-1) & z \le 0\end{cases}",
        derivative_latex=r"\lambda\begin{cases}1 & z > 0\\ \alpha\,e^{z} & z \le 0\end{cases}",
        description="A scaled ELU whose constants keep activations at zero mean and unit "
        "variance through deep fully connected stacks (self-normalising).",
        properties=traits(
            -_SELU_SCALED_ALPHA,
            None,
            monotonic=True,
            smooth=False,
            zero_centered=True,
            alpha=SELU_ALPHA,
            scale=SELU_SCALE,
        ),
    )
)


def _positive_beta(beta):
    if beta <= 0:
        raise ValueError(f"softplus: beta must be positive, got {beta!r}")
    return beta


def _softplus(x, beta):
    """``max(x, 0) + log1p(exp(-beta |x|)) / beta``, with ``beta |x|`` in double-double."""
    if _positive_beta(beta) == 1.0:
        return _stable.softplus(x)
    t, t_lo = _stable.scaled_arg(beta, np.abs(x))
    tail = np.exp(-t) if t_lo is None else np.exp(-t) * (1.0 - t_lo)
    return np.maximum(x, 0.0) + np.log1p(tail) / beta


def _softplus32(x, out, scratch, beta):
    """``max(x, 0) + log1p(exp(-beta |x|)) / beta``; ``beta |x|`` needs no low part here."""
    xf, a, tail = scratch[:3]
    xf[...] = x
    np.abs(xf, out=a)
    np.multiply(a, -_positive_beta(beta), out=tail)
    np.exp(tail, out=tail)
    np.log1p(tail, out=tail)
    if beta != 1.0:
        tail /= beta
    xf += a
    xf *= 0.5
    np.add(xf, tail, out=out, casting="same_kind")


def _softplus_slope(x, beta):
    t, t_lo = _stable.scaled_arg(_positive_beta(beta), x)
    return _stable.sigmoid(t) if t_lo is None else _stable.x_sigmoid(np.ones_like(t), t, t_lo)


register(
    Activation(
        name="softplus",
        title="Softplus",
        kernel=_softplus,
        derivative_kernel=_softplus_slope,
        float32_kernel=_softplus32,
        latex=r"\frac{1}{\beta}\log\left(1+e^{\beta z}\right)",
        derivative_latex=r"\sigma(\beta z)",
        description="A smooth ReLU: the exact log(1 + e^z), whose derivative is the sigmoid.",
        params={"beta": 1.0},
        properties=traits(0.0, None, monotonic=True, smooth=True),
    )
)


def _softsign_slope(x):
    r = 1.0 / (1.0 + np.abs(x))
    return r * r


register(
    Activation(
        name="softsign",
        title="Softsign",
        kernel=lambda x: x / (1.0 + np.abs(x)),
        derivative_kernel=_softsign_slope,
        latex=r"\frac{z}{1+|z|}",
        derivative_latex=r"\frac{1}{(1+|z|)^{2}}",
        description="Like tanh but approaching -1 and 1 polynomially rather than exponentially.",
        properties=traits(
            -1.0, 1.0, monotonic=True, smooth=True, zero_centered=True, saturating=True, odd=True
        ),
    )
)


def _hard_sigmoid(x):
    return np.clip(x + 3.0, 0.0, 6.0) / 6.0


def _hard_sigmoid_slope(x):
    return _indicator((x > -3.0) & (x < 3.0)) * (1.0 / 6.0)


register(
    Activation(
        name="hard_sigmoid",
        title="Hard sigmoid",
        kernel=_hard_sigmoid,
        derivative_kernel=_hard_sigmoid_slope,
        latex=r"\frac{\min(\max(z+3, 0), 6)}{6}",
        derivative_latex=r"\begin{cases}1/6 & -3 < z < 3\\ 0 & \text{otherwise}\end{cases}",
        description="A piecewise-linear sigmoid, relu6(z + 3) / 6, cheap on mobile hardware.",
        properties=traits(
            0.0,
            1.0,
            closed=(True, True),
            monotonic=True,
            smooth=False,
            saturating=True,
            sparse=True,
        ),
    )
)


def _hard_swish(x):
    xc = np.minimum(x, 3.0)  # keeps the unused branch from overflowing
    return _stable.select(x >= 3.0, x, xc * np.clip(xc + 3.0, 0.0, 6.0) / 6.0)


def _hard_swish32(x, out, scratch):
    """In float64, whose roundings are far below float32's, then rounded once."""
    xf, gate = scratch[:2]
    xf[...] = x
    np.add(xf, 3.0, out=gate)
    np.clip(gate, 0.0, 6.0, out=gate)
    gate *= xf
    np.divide(gate, 6.0, out=out, casting="same_kind")


def _hard_swish_slope(x):
    inside = np.clip(x, -3.0, 3.0) / 3.0 + 0.5  # 0 at -3 and 1.5 at 3: PyTorch's ends
    return _stable.select(x >= 3.0, 1.0, inside * (x > -3.0))


register(
    Activation(
        name="hard_swish",
        title="Hard swish",
        kernel=_hard_swish,
        derivative_kernel=_hard_swish_slope,
        float32_kernel=_hard_swish32,
        latex=r"z\,\frac{\min(\max(z+3, 0), 6)}{6}",
        derivative_latex=r"\begin{cases}0 & z \le -3\\ z/3 + 1/2 & -3 < z < 3\\ "
        r"1 & z \ge 3\end{cases}",
        description="Swish with the sigmoid replaced by the hard sigmoid (MobileNetV3).",
        properties=traits(
            -0.375, None, closed=(True, False), monotonic=False, smooth=False, sparse=True
        ),
    )
)

register(
    Activation(
        name="relu6",
        title="ReLU6",
        kernel=lambda x: np.clip(x, 0.0, 6.0),
        derivative_kernel=lambda x: _indicator((x > 0.0) & (x < 6.0)),
        latex=r"\min(\max(0, z), 6)",
        derivative_latex=r"\begin{cases}1 & 0 < z < 6\\ 0 & \text{otherwise}\end{cases}",
        description="A ReLU capped at 6, which keeps activations small enough for "
        "low-precision arithmetic.",
        properties=traits(
            0.0,
            6.0,
            closed=(True, True),
            monotonic=True,
            smooth=False,
            saturating=True,
            sparse=True,
        ),
    )
)
