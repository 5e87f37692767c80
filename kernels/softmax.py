"""Softmax: the one catalog entry that maps a vector to a vector.

``forward(x, axis=-1)`` normalises along an axis; ``derivative`` is the Jacobian's diagonal
``s (1 - s)``; :func:`jacobian` gives the whole matrix for a 1-D input.
"""

from __future__ import annotations

import numpy as np

from kernels import _stable
from kernels.catalog import Activation, register
from kernels.traits import traits


def _exp_shifted(x, axis):
    """``exp(x - max)`` along ``axis`` with the difference taken exactly (two_sum)."""
    m = np.max(x, axis=axis, keepdims=True)
    # below m - 1000 (or a few ulps of m) every weight is exactly 0: clamping there keeps
    # x - m finite for any finite input
    floor = m - np.maximum(1000.0, np.abs(m) * 2.0**-50)
    d, d_lo = _stable.two_sum(np.maximum(x, floor), -m)
    return np.exp(d) * (1.0 + d_lo)


def _softmax(x, axis=-1):
    e = _exp_shifted(x, axis)
    return e / np.sum(e, axis=axis, keepdims=True)


def _softmax_slope(x, axis=-1):
    """``s (1 - s)``; at the largest entry ``1 - s`` is the other weights' share."""
    e = _exp_shifted(x, axis)
    total = np.sum(e, axis=axis, keepdims=True)
    s = e / total
    top = np.argmax(x, axis=axis, keepdims=True) if x.ndim else None
    if top is None:
        return s * (1.0 - s)
    others = e.copy()
    np.put_along_axis(others, top, 0.0, axis=axis)
    rest = np.sum(others, axis=axis, keepdims=True) / total
    gap = 1.0 - s
    np.put_along_axis(gap, top, rest, axis=axis)
    return s * gap


def jacobian(x) -> np.ndarray:
    """``diag(s) - s s^T`` for a 1-D input (the diagonal taken from the derivative)."""
    v = np.asarray(x, dtype=np.float64)
    if v.ndim != 1:
        raise ValueError(f"jacobian needs a 1-D vector, got shape {v.shape}")
    with np.errstate(under="ignore"):
        s = _softmax(v)
        j = -np.outer(s, s)
        np.fill_diagonal(j, _softmax_slope(v))
    return j


SOFTMAX = register(
    Activation(
        name="softmax",
        title="Softmax",
        kernel=_softmax,
        derivative_kernel=_softmax_slope,
        latex=r"\frac{e^{z_i}}{\sum_j e^{z_j}}",
        derivative_latex=r"\frac{\partial s_i}{\partial z_j} = s_i\,(\delta_{ij} - s_j)",
        description="Turns a vector of scores into probabilities that sum to 1; "
        "shifting every score by the same amount changes nothing.",
        elementwise=False,
        jacobian_kernel=jacobian,
        properties=traits(
            0.0,
            1.0,
            monotonic=True,
            smooth=True,
            saturating=True,
            sums_to_one=True,
            shift_invariant=True,
        ),
    )
)
