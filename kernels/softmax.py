"""Softmax: the one catalog entry that maps a vector to a vector.

``forward(x, axis=-1)`` normalises along an axis; ``derivative`` is the Jacobian's diagonal
``s (1 - s)``; :func:`jacobian` gives the whole matrix for a 1-D input.
"""

from __future__ import annotations

import numpy as np

from kernels import _stable
from kernels.catalog import CHUNK, CHUNK32, Activation, register
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


def _by_row_blocks(x, axis, dtype, block_size, softmax_rows):
    """Softmax along ``axis`` as ``softmax_rows(rows, out, scratch)`` on blocks of whole rows
    of about ``block_size`` elements, so temporaries stay in cache instead of spanning ``x``.
    ``scratch`` is a float64 buffer of the block's shape, reused from block to block."""
    if x.ndim == 0 or x.size == 0:
        return _softmax(x.astype(np.float64), axis).astype(dtype)
    moved = np.moveaxis(x, axis, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    out = np.empty(rows.shape, dtype)
    per_block = max(1, block_size // rows.shape[1])
    buffer = np.empty((min(per_block, rows.shape[0]), rows.shape[1]))
    for start in range(0, rows.shape[0], per_block):
        block = rows[start : start + per_block]
        softmax_rows(block, out[start : start + per_block], buffer[: block.shape[0]])
    return np.ascontiguousarray(np.moveaxis(out.reshape(moved.shape), -1, axis))


def _softmax_rows(rows, out, scratch):
    out[...] = _softmax(rows, axis=-1)


def _softmax_rows32(rows, out, e):
    """``x - max`` of float32 values is off by at most 1e-16 relative in float64, which moves
    a weight by ~1e-14 where it is still above float32's subnormals: no exact shift needed."""
    e[...] = rows
    e -= np.max(rows, axis=1, keepdims=True)
    np.exp(e, out=e)
    np.divide(e, np.sum(e, axis=1, keepdims=True), out=out)


def _softmax_blocked(x, axis=-1):
    return _by_row_blocks(x, axis, np.float64, CHUNK, _softmax_rows)


def _softmax32(x, axis=-1):
    """Float32 softmax: blocks of rows converted to float64 in one reused buffer."""
    return _by_row_blocks(x, axis, np.float32, CHUNK32, _softmax_rows32)


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
        kernel=_softmax_blocked,
        derivative_kernel=_softmax_slope,
        latex=r"\frac{e^{z_i}}{\sum_j e^{z_j}}",
        derivative_latex=r"\frac{\partial s_i}{\partial z_j} = s_i\,(\delta_{ij} - s_j)",
        description="Turns a vector of scores into probabilities that sum to 1; "
        "shifting every score by the same amount changes nothing.",
        elementwise=False,
        jacobian_kernel=jacobian,
        float32_kernel=_softmax32,
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
