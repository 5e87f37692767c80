"""The declared properties of an activation, in one JSON-serialisable shape.

Every property is stated for the default parameters (``Activation.params``), which is where
:mod:`kernels.verify` confirms it numerically; a key the probe has no check for is refused
when the entry is registered, so nothing is published unchecked.

``range`` is ``(lo, hi)`` with ``None`` for an unbounded end (strict JSON has no infinity),
``range_closed`` says whether each end is attained (at some ``|z| <= 8``), ``range_text`` is
the interval as text. The booleans:

- ``monotonic``: non-decreasing everywhere;
- ``continuous`` / ``smooth``: f, respectively f', has no jump (``smooth`` means C^1);
- ``zero_centered``: f(0) = 0 and the mean of f over a standard normal input is ~0;
- ``saturating``: f' vanishes towards both -inf and +inf;
- ``sparse``: f is exactly 0 on a half-line of negative inputs;
- ``bounded``: both ends of the range are finite;
- ``odd``: f(-z) = -f(z).

Optional numbers, for elementwise functions:

- ``minimum_at``: the point where f attains its global minimum (the range's closed ``lo``);
- ``max_slope``: the largest ``|f'(z)|``;
- ``scale``: the slope for every ``z > 0`` (f(z) = scale z there);
- ``alpha``: ``-f(-inf) / scale`` (1 when ``scale`` is not declared), SELU's alpha.

Optional booleans, for softmax: ``sums_to_one`` and ``shift_invariant``.
"""

from __future__ import annotations

from typing import Any

BOOLEAN_TRAITS = (
    "monotonic",
    "continuous",
    "smooth",
    "zero_centered",
    "saturating",
    "sparse",
    "bounded",
    "odd",
)
RANGE_TRAITS = ("range", "range_closed", "range_text")
ELEMENTWISE_TRAITS = ("minimum_at", "max_slope", "scale", "alpha")
SOFTMAX_TRAITS = ("sums_to_one", "shift_invariant")


def known_traits(*, elementwise: bool) -> tuple[str, ...]:
    """Every property key the probe checks for an entry of this kind."""
    extra = ELEMENTWISE_TRAITS if elementwise else SOFTMAX_TRAITS
    return (*RANGE_TRAITS, *BOOLEAN_TRAITS, *extra)


def range_text(lo: float | None, hi: float | None, closed: tuple[bool, bool]) -> str:
    """The interval as text, e.g. ``[0, inf)``."""
    return f"{_end(lo, closed[0], True)}, {_end(hi, closed[1], False)}"


def _end(value: float | None, closed: bool, left: bool) -> str:
    if value is None:
        return "(-inf" if left else "inf)"
    text = f"{value:.6g}"
    if left:
        return ("[" if closed else "(") + text
    return text + ("]" if closed else ")")


def traits(
    lo: float | None,
    hi: float | None,
    *,
    closed: tuple[bool, bool] = (False, False),
    monotonic: bool,
    smooth: bool,
    continuous: bool = True,
    zero_centered: bool = False,
    saturating: bool = False,
    sparse: bool = False,
    odd: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """Build a properties dict; ``extra`` carries the optional keys listed above."""
    return {
        "range": (None if lo is None else float(lo), None if hi is None else float(hi)),
        "range_closed": closed,
        "range_text": range_text(lo, hi, closed),
        "monotonic": monotonic,
        "continuous": continuous,
        "smooth": smooth,
        "zero_centered": zero_centered,
        "saturating": saturating,
        "sparse": sparse,
        "bounded": lo is not None and hi is not None,
        "odd": odd,
        **extra,
    }
