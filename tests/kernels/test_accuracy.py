"""Every catalog entry against its mpmath reference, in ULPs, over the whole float range.

One generic test per check, parametrized over the catalog: float64 forward within 4 ULP
(gelu and gelu_tanh: 64), float32 forward within 4 float32 ULP, derivatives within 1e-9
relative error (1e-15 absolute next to a zero of f'), and no floating-point warning anywhere.
"""

from __future__ import annotations

import functools
import warnings

import mpmath as mp
import numpy as np
import pytest

import kernels
from tests.kernels.reference import DERIVATIVE_ZEROS, REFERENCES, ulp_error, ulp_error32

ELEMENTWISE = sorted(REFERENCES)
MAX_ULP = {"gelu": 64.0, "gelu_tanh": 64.0}
SPECIAL = [
    0.0,
    1.0,
    -1.0,
    3.0,
    -3.0,
    6.0,
    2.5,
    -2.5,
    1e-300,
    -1e-300,
    1e300,
    -1e300,
    -745.1,
    -708.4,
    -709.8,
    -37.5,
    -38.4,
    -27.6,
    -21.9,
    709.8,
    36.7,
    -36.7,
]


def _grid64() -> np.ndarray:
    """Log-spaced 1e-300..1e300 (dense where the functions bend) plus the subnormal tails."""
    coarse = np.logspace(-300, 300, 601)
    dense = np.logspace(-8, 3, 441)
    rng = np.random.default_rng(20240601)
    points = [
        coarse,
        -coarse,
        dense,
        -dense,
        np.linspace(-40, 40, 1601),
        np.linspace(-760, -700, 121),
        rng.uniform(-40, 12, 600),
        SPECIAL,
    ]
    return np.unique(np.concatenate(points))


def _grid32() -> np.ndarray:
    big = np.logspace(-45, 38.5, 336)
    points = [big, -big, np.linspace(-20, 20, 801), np.linspace(-105, -85, 201), SPECIAL[:10]]
    with np.errstate(over="ignore"):
        grid = np.concatenate(points).astype(np.float32)
    return np.unique(grid[np.isfinite(grid)])


X64 = _grid64()
X32 = _grid32()


@functools.cache
def _exact(name: str, which: int, grid: str) -> list:
    xs = X64 if grid == "64" else X32
    fn = REFERENCES[name][which]
    return [fn(mp.mpf(float(v))) for v in xs]


def _strict(fn, *args, **kwargs):
    """Call with every floating-point exception and warning turned into an error."""
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_forward_float64_within_ulp_bound(name):
    got = _strict(kernels.get(name).forward, X64)
    assert got.dtype == np.float64 and got.shape == X64.shape
    errors = np.array([ulp_error(g, e) for g, e in zip(got, _exact(name, 0, "64"))])
    worst = int(np.argmax(errors))
    assert errors[worst] <= MAX_ULP.get(name, 4.0), (
        f"{name}({X64[worst]!r}) = {got[worst]!r} is {errors[worst]:.2f} ulp off"
    )


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_forward_float32_within_4_ulp(name):
    exact = _exact(name, 0, "32")
    got = _strict(kernels.get(name).forward, X32)
    assert got.dtype == np.float32
    limit = mp.mpf(float(np.finfo(np.float32).max))
    errors = np.array([ulp_error32(g, e) if abs(e) <= limit else 0.0 for g, e in zip(got, exact)])
    worst = int(np.argmax(errors))
    assert errors[worst] <= 4.0, f"{name}(float32 {X32[worst]!r}) is {errors[worst]:.2f} ulp off"


def _derivative_tolerance(name: str, xs: np.ndarray, exact: np.ndarray, rel: float) -> np.ndarray:
    tol = np.maximum(rel * np.abs(exact), 1e-320)
    zero = DERIVATIVE_ZEROS.get(name)
    if zero is not None:
        tol = np.where(np.abs(xs - zero) < 0.05, np.maximum(tol, 1e-15), tol)
    return tol


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_float64_relative_1e9(name):
    got = _strict(kernels.get(name).derivative, X64)
    exact = np.array([float(e) for e in _exact(name, 1, "64")])
    tol = _derivative_tolerance(name, X64, exact, 1e-9)
    bad = np.abs(got - exact) > tol
    assert not bad.any(), f"{name}'({X64[bad][:5]}) = {got[bad][:5]}, exact {exact[bad][:5]}"


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_float32_rounds_correctly(name):
    got = _strict(kernels.get(name).derivative, X32)
    assert got.dtype == np.float32
    exact = np.array([float(e) for e in _exact(name, 1, "32")])
    tol = np.maximum(_derivative_tolerance(name, X32.astype(np.float64), exact, 1.2e-7), 1.5e-45)
    bad = np.abs(got.astype(np.float64) - exact) > tol
    assert not bad.any(), f"{name}'({X32[bad][:5]}) = {got[bad][:5]}, exact {exact[bad][:5]}"


EXTREMES = np.array([np.finfo(np.float64).max, np.finfo(np.float64).tiny, 5e-324, 0.0, 1e-310])
OVERFLOWS_AT_MAX = {"selu"}  # selu(max) = 1.05 max is not finite


@pytest.mark.parametrize("name", kernels.canonical_names())
def test_no_warning_nan_or_overflow_for_extreme_inputs(name):
    act = kernels.get(name)
    xs = np.concatenate([EXTREMES, -EXTREMES, X64])
    if name in OVERFLOWS_AT_MAX:
        xs = xs[np.abs(xs) < 1e307]
    for fn in (act.forward, act.derivative):
        out = _strict(fn, xs)
        assert np.all(np.isfinite(out)), f"{name}: non-finite output"
        out32 = _strict(fn, X32)
        assert np.all(np.isfinite(out32)), f"{name}: non-finite float32 output"


def test_selu_overflows_only_where_the_true_value_does():
    big = np.finfo(np.float64).max
    with np.errstate(over="ignore"):
        assert kernels.get("selu").forward(big) == np.inf
    assert kernels.get("selu").forward(big / 1.06) < big


@pytest.mark.parametrize("name", ["sigmoid", "swish", "mish", "gelu", "gelu_tanh", "softplus"])
def test_subnormal_outputs_are_not_flushed(name):
    """Deep in the negative tail the exact value is subnormal; it must come out nonzero."""
    x = {"gelu": -37.9, "gelu_tanh": -21.5}.get(name, -740.0)
    value = kernels.get(name).forward(x)
    assert 0 < abs(value) < np.finfo(np.float64).tiny
    assert ulp_error(value, REFERENCES[name][0](mp.mpf(x))) <= 4
