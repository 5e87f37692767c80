"""Numerical confirmation of what the catalog declares.

:func:`gradient_check` compares each derivative with central finite differences;
:func:`probe` confirms every declared property (see :mod:`kernels.traits` for what each one
means) by evaluating the function, so a wrong declaration is caught rather than published; a
property it has no check for is itself a failure.
:func:`verify_all` runs both over the catalog; ``python -m kernels verify`` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kernels.catalog import Activation, canonical_names, get
from kernels.traits import known_traits, range_text

KINKS = (-3.0, 0.0, 3.0, 6.0)  # where catalog entries change formula
_STEP = 1e-3
_GRID = np.linspace(-20.0, 20.0, 40001)  # step 1e-3: hits every kink exactly
_WINDOW = _GRID[np.abs(_GRID) <= 8.0]  # a closed end of a range is attained in here
_WIDE = np.concatenate([-np.logspace(8, -6, 281), [0.0], np.logspace(-6, 8, 281)])
_SEARCH = np.union1d(_GRID, _WIDE)
_FAR = 1e3  # an unbounded end must be passed by this much inside the probe's inputs
_GAUSS = np.linspace(-12.0, 12.0, 240001)
_ULP = np.finfo(np.float64).eps


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


def _refined(z: np.ndarray, values: np.ndarray, g, pick) -> float:
    """``pick`` (np.min or np.max) of ``g`` on the grid ``z`` and, 1e-6 apart, around the
    grid's choice: the grid alone can miss a smooth extreme by ~f'' * 1e-7."""
    best = z[np.argmin(values) if pick is np.min else np.argmax(values)]
    fine = best + np.linspace(-_STEP, _STEP, 2001)
    return float(pick([pick(values), pick(g(fine))]))


def _range_checks(props, y, line) -> list[tuple[str, bool, str]]:
    """``range`` from the values ``y``, ``range_closed`` from ``line`` (f along a line) on
    ``|z| <= 8``: a closed end is attained there, an open one is not."""
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
    w = line(_WINDOW)
    attained = []
    for value, pick in ((lo, np.min), (hi, np.max)):
        seen = _refined(_WINDOW, w, line, pick)
        attained.append(value is not None and abs(seen - value) <= 1e-12 * max(1.0, abs(value)))
    closed = (bool(lo_closed), bool(hi_closed))
    detail = f"declared {closed}, observed {tuple(attained)} on |z| <= 8"
    out.append(("range_closed", tuple(attained) == closed, detail))
    text = range_text(lo, hi, closed)
    detail = f"declared {props['range_text']!r}, from range and range_closed {text!r}"
    out.append(("range_text", props["range_text"] == text, detail))
    return out


def _jumps(f, df) -> tuple[float, float]:
    """The largest jump of f and of f' across any point of the grid."""
    h = 1e-9
    return (
        float(np.abs(f(_GRID + h) - f(_GRID - h)).max()),
        float(np.abs(df(_GRID + h) - df(_GRID - h)).max()),
    )


def _continuity(jump: float, slope_jump: float) -> dict[str, tuple[bool, str]]:
    return {
        "continuous": (jump < 1e-6, f"largest jump {jump:.3g}"),
        "smooth": (
            jump < 1e-6 and slope_jump < 1e-4,
            f"largest jump {jump:.3g}, largest slope jump {slope_jump:.3g}",
        ),
    }


def _elementwise_observations(act: Activation) -> dict[str, tuple[bool, str]]:
    f, df = act.forward, act.derivative
    y = f(_SEARCH)
    steps = np.diff(y)
    monotonic = bool(np.all(steps >= 0) and np.all(df(_GRID) >= 0))
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
        **_continuity(*_jumps(f, df)),
        "zero_centered": (bool(zero_centered), f"f(0)={f(0.0):.3g}, normal mean {mean:.3g}"),
        "saturating": (
            bool(ends.max() < 1e-6),
            f"|f'(-1e4)|, |f'(1e4)| = {ends[0]:.3g}, {ends[1]:.3g}",
        ),
        "sparse": (bool(np.all(f(negatives) == 0)), "exact zeros on [-50, -4]"),
        "odd": (odd, "f(-z) == -f(z) on the probe grid"),
    }


def _minimum_at(act: Activation, z_min: float) -> tuple[bool, str]:
    """The grid's lowest point is within a step of ``z_min``, f' turns from <= 0 to >= 0
    within 1e-9 of it, and f there is the range's ``lo`` and below every grid value."""
    f, df = act.forward, act.derivative
    y = f(_SEARCH)
    lowest = float(_SEARCH[np.argmin(y)])
    value = float(f(z_min))
    d = 1e-9 * max(1.0, abs(z_min))
    turns = bool(df(z_min - d) <= 0 <= df(z_min + d))
    lo = act.properties["range"][0]
    is_lo = lo is not None and abs(value - lo) <= 1e-12 * max(1.0, abs(lo))
    ok = abs(lowest - z_min) <= _STEP and turns and is_lo and value <= float(y.min())
    detail = f"grid minimum at {lowest:.6g}, f({z_min:.10g}) = {value:.10g}, "
    detail += f"f' changes sign there: {turns}"
    return ok, detail


def _max_slope(act: Activation, declared: float) -> tuple[bool, str]:
    """The largest ``|f'|`` on the grid, refined around it, is ``declared``."""

    def slope(z):
        return np.abs(act.derivative(z))

    observed = _refined(_SEARCH, slope(_SEARCH), slope, np.max)
    ok = abs(observed - declared) <= 1e-9 * max(1.0, abs(declared))
    return ok, f"largest |f'| seen {observed:.12g}"


def _scale(act: Activation, declared: float) -> tuple[bool, str]:
    """f(z) = scale z and f'(z) = scale for every positive grid point."""
    positives = _SEARCH[_SEARCH > 0]
    ratio = np.abs(act.forward(positives) / positives - declared).max()
    slope = np.abs(act.derivative(positives) - declared).max()
    worst = float(max(ratio, slope))
    return worst <= 4 * _ULP * abs(declared), f"largest |f(z)/z - scale|, |f' - scale|: {worst:.3g}"


def _alpha(act: Activation, declared: float) -> tuple[bool, str]:
    """``-f(z) / scale`` at the most negative inputs is ``declared`` (the limit is reached)."""
    scale = act.properties.get("scale", 1.0)
    observed = -act.forward(_SEARCH[:2]) / scale
    ok = bool(np.all(np.abs(observed - declared) <= 4 * _ULP * abs(declared)))
    return ok, f"-f(z)/scale at z = {_SEARCH[0]:.3g}: {float(observed[0])!r}"


_NUMBER_CHECKS = {
    "minimum_at": _minimum_at,
    "max_slope": _max_slope,
    "scale": _scale,
    "alpha": _alpha,
}


def _softmax_line(act: Activation):
    """s_0 and its slope as functions of z_0, the other scores held at 0 and 1."""

    def rows(z):
        z = np.asarray(z, dtype=np.float64)
        return np.column_stack([z, np.zeros_like(z), np.ones_like(z)])

    return (lambda z: act.forward(rows(z))[:, 0]), (lambda z: act.derivative(rows(z))[:, 0])


def _softmax_observations(act: Activation) -> dict[str, tuple[bool, str]]:
    rng = np.random.default_rng(0)
    rows = rng.normal(scale=5.0, size=(200, 7))
    s = act.forward(rows)
    sums = np.abs(s.sum(axis=-1) - 1.0).max()
    shift = np.abs(act.forward(rows + 123.5) - s).max()
    raised = rows.copy()
    raised[:, 0] += 0.5
    grows = bool(np.all(act.forward(raised)[:, 0] > s[:, 0]))
    slope_ends = np.abs(act.derivative(np.array([1e4, 0.0, 0.0]))).max()
    return {
        "monotonic": (grows, "raising z_i raises s_i"),
        **_continuity(*_jumps(*_softmax_line(act))),
        "zero_centered": (False, "outputs are positive"),
        "saturating": (
            bool(slope_ends < 1e-6),
            f"largest slope at a saturated input {slope_ends:.3g}",
        ),
        "sparse": (False, "every weight is positive"),
        "odd": (False, "outputs are positive"),
        "sums_to_one": (bool(sums < 1e-12), f"largest |sum - 1| {sums:.3g}"),
        "shift_invariant": (bool(shift < 1e-12), f"largest change under a shift {shift:.3g}"),
    }


def _softmax_values(act: Activation) -> np.ndarray:
    rows = np.random.default_rng(0).normal(scale=5.0, size=(200, 7))
    extreme = np.array([[-1e4, 0.0, 1e4]])
    return np.concatenate([act.forward(rows).ravel(), act.forward(extreme).ravel()])


def probe(act: Activation) -> list[Check]:
    """Confirm every declared property of ``act``; a key with no check here fails."""
    props = act.properties
    if act.elementwise:
        observed = _elementwise_observations(act)
        found = _range_checks(props, act.forward(_SEARCH), act.forward)
    else:
        observed = _softmax_observations(act)
        found = _range_checks(props, _softmax_values(act), _softmax_line(act)[0])
    checks = [Check(act.name, check, ok, detail) for check, ok, detail in found]
    for key, (value, detail) in observed.items():
        if key in props:
            declared = props[key]
            detail = f"declared {declared}, observed {value}: {detail}"
            checks.append(Check(act.name, key, value == declared, detail))
    for key, check in _NUMBER_CHECKS.items():
        if act.elementwise and key in props:
            ok, detail = check(act, props[key])
            checks.append(Check(act.name, key, ok, f"declared {props[key]!r}: {detail}"))
    for key in props:
        if key not in known_traits(elementwise=act.elementwise):
            checks.append(Check(act.name, key, False, "unknown property: nothing checks it"))
    return checks


def verify_all(names: list[str] | None = None) -> list[Check]:
    checks: list[Check] = []
    for name in names or canonical_names():
        act = get(name)
        with np.errstate(all="raise"):
            checks.append(gradient_check(act))
            checks.extend(probe(act))
    return checks
