"""Numerical confirmation of what the catalog declares.

:func:`gradient_check` compares each derivative with central finite differences;
:func:`probe` confirms every declared property (see :mod:`kernels.traits` for what each one
means) by evaluating the function, so a wrong declaration is caught rather than published.
:func:`verify_all` runs both over the catalog; ``python -m kernels verify`` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kernels.catalog import Activation, canonical_names, get

KINKS = (-3.0, 0.0, 3.0, 6.0)  # where catalog entries change formula
_GRID = np.linspace(-20.0, 20.0, 40001)  # step 1e-3: hits every kink exactly
_WIDE = np.concatenate([-np.logspace(8, -6, 281), [0.0], np.logspace(-6, 8, 281)])
_SEARCH = np.union1d(_GRID, _WIDE)
_FAR = 1e3  # an unbounded end must be passed by this much inside the probe's inputs
_GAUSS = np.linspace(-12.0, 12.0, 240001)


@dataclass(frozen=True)
class Check:
    """One confirmed (``ok``) or refuted declaration about one function."""

    function: str
    check: str
    ok: bool
    detail: str

    @property
    def status(self) -> str:
        return "ok" if self.ok else "FAIL"


def gradient_check(act: Activation, x=None, *, rtol: float = 1e-6, atol: float = 1e-8) -> Check:
    """``derivative`` against central differences away from the kinks."""
    if x is None:
        x = np.linspace(-8.0, 8.0, 1601) + 0.000377  # keeps off the kinks
    x = np.asarray(x, dtype=np.float64)
    x = x[np.min(np.abs(x[:, None] - np.array(KINKS)), axis=1) > 1e-4]
    h = 1e-6 * np.maximum(1.0, np.abs(x))
    if act.elementwise:
        numeric = (act.forward(x + h) - act.forward(x - h)) / (2.0 * h)
    else:  # softmax: vary one coordinate of a vector at a time
        numeric = _softmax_numeric(act, x, h)
    analytic = act.derivative(x)
    error = np.abs(numeric - analytic) - (atol + rtol * np.abs(analytic))
    worst = int(np.argmax(error))
    ok = bool(error[worst] <= 0)
    detail = f"worst at z={x[worst]:.6g}: derivative {analytic[worst]:.10g}, "
    detail += f"central difference {numeric[worst]:.10g}"
    return Check(act.name, "gradient", ok, detail)


def _softmax_numeric(act: Activation, x, h):
    numeric = np.empty_like(x)
    for i in range(x.size):
        up, down = x.copy(), x.copy()
        up[i] += h[i]
        down[i] -= h[i]
        numeric[i] = (act.forward(up)[i] - act.forward(down)[i]) / (2.0 * h[i])
    return numeric


def _range_checks(act: Activation, props, y) -> list[tuple[str, bool, str]]:
    lo, hi = props["range"]
    lo_closed, hi_closed = props["range_closed"]
    out = []
    ymin, ymax = float(np.min(y)), float(np.max(y))
    for end, value, observed, closed in (("lo", lo, ymin, lo_closed), ("hi", hi, ymax, hi_closed)):
        if value is None:
            ok = abs(observed) >= _FAR
            detail = f"unbounded: reached {observed:.6g}"
        else:
            inside = observed >= value - 1e-12 if end == "lo" else observed <= value + 1e-12
            ok = inside and abs(observed - value) <= 1e-6 * max(1.0, abs(value))
            how = "attained" if closed else "approached"
            detail = f"{how} {value:.10g}: extreme seen {observed:.10g}"
        out.append((f"range.{end}", ok, detail))
    bounded = abs(ymin) < _FAR and abs(ymax) < _FAR
    out.append(("bounded", bounded == props["bounded"], f"observed bounded={bounded}"))
    return out


def _elementwise_observations(act: Activation) -> dict[str, tuple[bool, str]]:
    f, df = act.forward, act.derivative
    y = f(_SEARCH)
    steps = np.diff(y)
    monotonic = bool(np.all(steps >= 0) and np.all(df(_GRID) >= 0))
    h = 1e-9
    jumps = np.abs(f(_GRID + h) - f(_GRID - h))
    slope_jumps = np.abs(df(_GRID + h) - df(_GRID - h))
    gauss_w = np.exp(-0.5 * _GAUSS**2)
    gauss_w /= gauss_w.sum()
    fz = f(_GAUSS)
    mean, rms = float(np.sum(gauss_w * fz)), float(np.sqrt(np.sum(gauss_w * fz**2)))
    zero_centered = f(0.0) == 0 and abs(mean) <= 1e-3 * rms
    ends = np.abs(df(np.array([-1e4, 1e4])))
    negatives = np.linspace(-50.0, -4.0, 4601)
    odd = bool(np.all(f(-_SEARCH) == -y))
    return {
        "monotonic": (monotonic, f"smallest step {steps.min():.3g}"),
        "continuous": (bool(jumps.max() < 1e-6), f"largest jump {jumps.max():.3g}"),
        "smooth": (
            bool(jumps.max() < 1e-6 and slope_jumps.max() < 1e-4),
            f"largest jump {jumps.max():.3g}, largest slope jump {slope_jumps.max():.3g}",
        ),
        "zero_centered": (bool(zero_centered), f"f(0)={f(0.0):.3g}, normal mean {mean:.3g}"),
        "saturating": (
            bool(ends.max() < 1e-6),
            f"|f'(-1e4)|, |f'(1e4)| = {ends[0]:.3g}, {ends[1]:.3g}",
        ),
        "sparse": (bool(np.all(f(negatives) == 0)), "exact zeros on [-50, -4]"),
        "odd": (odd, "f(-z) == -f(z) on the probe grid"),
    }


def _softmax_observations(act: Activation) -> dict[str, tuple[bool, str]]:
    rng = np.random.default_rng(0)
    rows = rng.normal(scale=5.0, size=(200, 7))
    s = act.forward(rows)
    sums = np.abs(s.sum(axis=-1) - 1.0).max()
    shift = np.abs(act.forward(rows + 123.5) - s).max()
    raised = rows.copy()
    raised[:, 0] += 0.5
    grows = bool(np.all(act.forward(raised)[:, 0] > s[:, 0]))
    extreme = act.forward(np.array([[-1e4, 0.0, 1e4]]))
    slope_ends = np.abs(act.derivative(np.array([1e4, 0.0, 0.0]))).max()
    return {
        "monotonic": (grows, "raising z_i raises s_i"),
        "smooth": (True, "composition of exp and division"),
        "continuous": (True, "composition of exp and division"),
        "zero_centered": (False, "outputs are positive"),
        "saturating": (
            bool(slope_ends < 1e-6),
            f"largest slope at a saturated input {slope_ends:.3g}",
        ),
        "sparse": (False, "every weight is positive"),
        "odd": (False, "outputs are positive"),
        "sums_to_one": (bool(sums < 1e-12), f"largest |sum - 1| {sums:.3g}"),
        "shift_invariant": (bool(shift < 1e-12), f"largest change under a shift {shift:.3g}"),
        "_range": (bool(np.all((s > 0) & (s < 1)) and extreme.max() == 1.0), "in (0, 1)"),
    }


def probe(act: Activation) -> list[Check]:
    """Confirm every declared boolean property and the declared range of ``act``."""
    props = act.properties
    checks: list[Check] = []
    if act.elementwise:
        observed = _elementwise_observations(act)
        for check, ok, detail in _range_checks(act, props, act.forward(_SEARCH)):
            checks.append(Check(act.name, check, ok, detail))
    else:
        observed = _softmax_observations(act)
        ok, detail = observed.pop("_range")
        checks.append(Check(act.name, "range", ok, detail))
    for key, (value, detail) in observed.items():
        declared = props.get(key)
        if declared is None:
            continue
        checks.append(
            Check(
                act.name, key, value == declared, f"declared {declared}, observed {value}: {detail}"
            )
        )
    return checks


def verify_all(names: list[str] | None = None) -> list[Check]:
    checks: list[Check] = []
    for name in names or canonical_names():
        act = get(name)
        with np.errstate(all="raise"):
            checks.append(gradient_check(act))
            checks.extend(probe(act))
    return checks
