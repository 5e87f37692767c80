"""The error-free building blocks in kernels._stable, checked exactly with mpmath."""

from __future__ import annotations

import mpmath as mp
import numpy as np

from kernels import _stable, gated

mp.mp.prec = 300


def test_split_constant_is_exact_and_short():
    for c in (gated._GELU_C[0], gated._GELU_D[0], 0.1, -3.7e10):
        for splitter, bits in ((2.0**27 + 1.0, 26), (2.0**17 + 1.0, 36)):
            hi, lo = _stable.split_constant(c, splitter)
            assert hi + lo == c and mp.mpf(hi) + mp.mpf(lo) == mp.mpf(c)
            mantissa = abs(int(mp.ldexp(mp.mpf(hi), bits - int(mp.frexp(mp.mpf(hi))[1]))))
            assert mantissa < 2**bits


def test_two_prod_split_is_exact():
    c = gated._GELU_D[0]
    b = np.random.default_rng(2).uniform(-3e4, 3e4, 2000)
    p, e = _stable.two_prod_split(c, _stable.split_constant(c), b)
    for bi, pi, ei in zip(b, p, e):
        assert mp.mpf(pi) + mp.mpf(ei) == mp.mpf(c) * mp.mpf(bi)


def test_gelu_tanh_gate_is_a_normalised_double_double():
    """Within 2**-64 relative: its error then moves gelu_tanh by < 0.1 ulp even at |t| ~ 2000."""
    x = np.concatenate(
        [np.random.default_rng(4).uniform(-30, 30, 3000), np.logspace(-300, 1.4, 300)]
    )
    xc, t, t_lo = gated._gelu_tanh_gate(np.concatenate([x, -x]))
    c = mp.mpf("1.5957691216057307117597842397375095865107")
    for v, hi, lo in zip(xc, t, t_lo):
        v = mp.mpf(v)
        exact = c * (v + mp.mpf("0.044715") * v**3)
        assert abs(mp.mpf(hi) + mp.mpf(lo) - exact) <= abs(exact) * 2.0**-64 + 2.0**-1074
        assert abs(lo) <= abs(hi) * 2.0**-52
