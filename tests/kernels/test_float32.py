"""The float32 fast paths: their vectorized primitives against mpmath, and every
``float32_kernel`` against the float64 kernel rounded to float32, densely and with parameters.

test_accuracy checks the float32 results against mpmath on its grid; these tests cover far more
points (cheaply, via the float64 kernels, which are within a few float64 ulp of exact).
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest

import kernels
from kernels import _stable

FLOAT32_ENTRIES = [name for name in kernels.canonical_names() if kernels.get(name).float32_kernel]


def test_normal_upper_tail_is_within_1e8_relative_on_its_whole_domain():
    a = np.concatenate([np.linspace(0.0, 16.0, 4001), np.logspace(-8, 0, 200)])
    got = _stable.normal_upper_tail(a, np.empty_like(a), np.empty_like(a))
    exact = np.array([float(mp.ncdf(-mp.mpf(v))) for v in a])
    assert np.max(np.abs(got / exact - 1.0)) < 1e-8


def test_normal_upper_tail_stays_finite_and_tiny_far_out():
    a = np.array([16.0, 40.0, 1e10, float(np.finfo(np.float32).max)])
    with np.errstate(under="ignore"):
        got = _stable.normal_upper_tail(a, np.empty_like(a), np.empty_like(a))
    assert np.all(np.isfinite(got)) and np.all(got >= 0) and np.all(got < 1e-56)


def _dense32() -> np.ndarray:
    rng = np.random.default_rng(7)
    parts = [
        rng.uniform(-20, 20, 200_000),
        rng.uniform(-110, 30, 50_000),
        np.logspace(-45, 38, 20_000) * rng.choice([-1, 1], 20_000),
    ]
    x = np.concatenate(parts).astype(np.float32)
    return x[np.isfinite(x)]


X = _dense32()


def _ulp32_apart(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Distance in float32 steps (ordered integer view, so it crosses 0 and subnormals)."""

    def ordered(v):
        i = v.view(np.int32).astype(np.int64)
        return np.where(i < 0, -(i & 0x7FFFFFFF), i)

    return np.abs(ordered(got) - ordered(want))


PARAMS = {"elu": [{"alpha": 0.5}], "swish": [{"beta": 1.7}], "softplus": [{"beta": 3.0}]}


@pytest.mark.parametrize(
    "name, params",
    [(name, {}) for name in FLOAT32_ENTRIES if kernels.get(name).elementwise]
    + [(name, p) for name, ps in PARAMS.items() for p in ps],
)
def test_float32_kernel_agrees_with_the_float64_kernel(name, params):
    act = kernels.get(name)
    x = X[np.abs(X) < 3e38] if name == "selu" else X  # selu(3.3e38) overflows float32
    with np.errstate(all="raise", under="ignore"):
        got = act.forward(x, **params)
        want = act.forward(x.astype(np.float64), **params).astype(np.float32)
    assert got.dtype == np.float32 and got.shape == x.shape
    apart = _ulp32_apart(got, want)
    worst = int(np.argmax(apart))
    assert apart[worst] <= 1, f"{name}{params}({x[worst]!r}) = {got[worst]!r}, want {want[worst]!r}"


@pytest.mark.parametrize(
    "shape, axis", [((3000, 7), -1), ((7, 3000), 0), ((4, 50, 3), 1), ((9,), 0)]
)
def test_float32_softmax_matches_float64_on_every_axis(shape, axis):
    x = np.random.default_rng(5).normal(scale=40, size=shape).astype(np.float32)
    softmax = kernels.get("softmax")
    with np.errstate(all="raise", under="ignore"):
        got = softmax.forward(x, axis=axis)
        want = softmax.forward(x.astype(np.float64), axis=axis).astype(np.float32)
    assert got.dtype == np.float32 and got.shape == x.shape and got.flags.c_contiguous
    assert _ulp32_apart(got, want).max() <= 1


def test_float32_softmax_edge_shapes():
    softmax = kernels.get("softmax")
    assert softmax.forward(np.float32(3.0)) == 1.0
    assert softmax.forward(np.zeros((0, 3), np.float32)).shape == (0, 3)


@pytest.mark.parametrize("name", FLOAT32_ENTRIES)
def test_float32_non_finite_inputs_behave_like_float64(name):
    """Infinities trip the fast path's shortcuts (inf - inf); such slices are redone in float64."""
    x = np.concatenate([X[:70_000], [np.inf, -np.inf, np.nan]]).astype(np.float32)
    act = kernels.get(name)
    if not act.elementwise:
        x = x[-3:]
    with np.errstate(all="ignore"):
        got = act.forward(x)
        want = act.forward(x.astype(np.float64)).astype(np.float32)
    assert got.dtype == np.float32
    assert np.array_equal(got, want, equal_nan=True) or _ulp32_apart(got, want).max() <= 1
