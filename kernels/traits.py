"""The declared properties of an activation, in one JSON-serialisable shape.

``range`` is ``(lo, hi)`` with ``None`` for an unbounded end (strict JSON has no infinity),
``range_closed`` says whether each end is attained, ``range_text`` is the interval as text.
The booleans are defined so that :mod:`kernels.verify` can confirm each one numerically:

- ``monotonic``: non-decreasing everywhere;
- ``continuous`` / ``smooth``: f, respectively f', has no jump (``smooth`` means C^1);
- ``zero_centered``: f(0) = 0 and the mean of f over a standard normal input is ~0;
- ``saturating``: f' vanishes towards both -inf and +inf;
- ``sparse``: f is exactly 0 on a half-line of negative inputs;
- ``bounded``: both ends of the range are finite;
- ``odd``: f(-z) = -f(z).
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
    """Build a properties dict; ``extra`` carries anything else worth showing."""
    return {
        "range": (None if lo is None else float(lo), None if hi is None else float(hi)),
        "range_closed": closed,
        "range_text": f"{_end(lo, closed[0], True)}, {_end(hi, closed[1], False)}",
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
