"""The activation registry: one :class:`Activation` per function, looked up by name.

An entry declares its kernels (plain functions of a float64 array and keyword parameters) and
what is known about it; :class:`Activation` adds the public calling convention: parameter
checking, dtype rules (float32 stays float32, everything else becomes float64), scalars in and
out, and evaluation of large arrays in cache-sized chunks.

An entry may add a ``float32_kernel``: float32 results need only ~1e-8 relative accuracy before
their final rounding, so it can drop the double-double corrections that float64 results need.
It still computes in float64, on preallocated scratch buffers, and writes its float32 result in
place: ``float32_kernel(x, out, scratch, **params)`` with ``x`` and ``out`` float32 slices and
``scratch`` a list of :data:`SCRATCH` float64 arrays of the same length (a non-elementwise
entry's ``float32_kernel`` takes the whole float32 array and its parameters instead).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from kernels.traits import known_traits

Kernel = Callable[..., np.ndarray]

CHUNK = 8192  # elements per slice: a few float64 temporaries stay in the L1/L2 caches
# float32 kernels reuse their buffers instead of allocating temporaries, so their slices can be
# longer (fewer Python calls per element) while the buffers still fit in L2
CHUNK32 = 32768
SCRATCH = 4


@dataclass(frozen=True)
class Activation:
    """One catalog entry. ``forward`` and ``derivative`` are the public entry points."""

    name: str
    title: str
    kernel: Kernel
    derivative_kernel: Kernel
    latex: str
    derivative_latex: str
    description: str
    properties: Mapping[str, Any]
    params: Mapping[str, float] = field(default_factory=dict)
    elementwise: bool = True
    jacobian_kernel: Kernel | None = None
    float32_kernel: Kernel | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "properties", MappingProxyType(dict(self.properties)))

    def forward(self, x, **params):
        """``f(x)`` elementwise (softmax: along ``axis``, default -1)."""
        array = np.asarray(x)
        if self.float32_kernel is None or array.dtype != np.float32:
            return self._apply(self.kernel, array, params)
        resolved = self.resolve(params)
        with np.errstate(under="ignore"):
            if self.elementwise:
                result = _chunked_float32(self.float32_kernel, self.kernel, array, resolved)
            else:
                result = self.float32_kernel(array, **resolved)
        return result[()] if result.ndim == 0 else result

    def derivative(self, x, **params):
        """``f'(x)`` elementwise (softmax: the Jacobian's diagonal ``s (1 - s)``)."""
        return self._apply(self.derivative_kernel, x, params)

    def __call__(self, x, **params):
        return self.forward(x, **params)

    def resolve(self, params: Mapping[str, Any]) -> dict[str, float]:
        """The defaults updated with ``params``; unknown names raise :class:`TypeError`."""
        unknown = sorted(
            set(params) - set(self.params) - ({"axis"} if not self.elementwise else set())
        )
        if unknown:
            allowed = ", ".join(self.params) or "none"
            raise TypeError(
                f"{self.name}() got an unexpected keyword argument {unknown[0]!r}"
                f" (parameters: {allowed})"
            )
        resolved: dict[str, Any] = dict(self.params)
        for key, value in params.items():
            if key == "axis":
                resolved[key] = int(value)
                continue
            number = float(value)
            if not np.isfinite(number):
                raise ValueError(f"{self.name}(): parameter {key!r} must be finite, got {value!r}")
            resolved[key] = number
        return resolved

    def _apply(self, kernel: Kernel, x, params: Mapping[str, Any]):
        resolved = self.resolve(params)
        array = np.asarray(x)
        dtype = np.float32 if array.dtype == np.float32 else np.float64
        with np.errstate(under="ignore"):
            if not self.elementwise:
                result = kernel(array.astype(np.float64, copy=False), **resolved).astype(
                    dtype, copy=False
                )
            else:
                result = _chunked(kernel, array, dtype, resolved)
        return result[()] if result.ndim == 0 else result


def _chunked(kernel: Kernel, array: np.ndarray, dtype, params: Mapping[str, float]) -> np.ndarray:
    """Run an elementwise float64 kernel over ``array`` slice by slice into a ``dtype`` result."""
    flat = np.ravel(array)
    if flat.dtype != np.float64 and flat.size <= CHUNK:
        flat = flat.astype(np.float64)
    out = np.empty(flat.shape, dtype)
    for start in range(0, flat.size, CHUNK):
        piece = flat[start : start + CHUNK]
        out[start : start + CHUNK] = kernel(piece.astype(np.float64, copy=False), **params)
    return out.reshape(array.shape)


def _chunked_float32(
    kernel: Kernel, fallback: Kernel, array: np.ndarray, params: Mapping[str, float]
) -> np.ndarray:
    """Run a ``float32_kernel`` slice by slice, reusing one set of scratch buffers.

    Its shortcuts assume finite input; a slice holding an infinity trips an invalid
    operation (``inf - inf``, ``inf / inf``) and is redone by the float64 ``fallback``.
    """
    flat = np.ravel(array)
    out = np.empty(flat.shape, np.float32)
    buffers = list(np.empty((SCRATCH, min(CHUNK32, flat.size))))
    for start in range(0, flat.size, CHUNK32):
        piece = flat[start : start + CHUNK32]
        if piece.size < buffers[0].size:  # the last, shorter slice
            buffers = [row[: piece.size] for row in buffers]
        try:
            with np.errstate(invalid="raise"):
                kernel(piece, out[start : start + CHUNK32], buffers, **params)
        except FloatingPointError:
            out[start : start + CHUNK32] = fallback(piece.astype(np.float64), **params)
    return out.reshape(array.shape)


_REGISTRY: dict[str, Activation] = {}
_ALIASES: dict[str, str] = {}


def register(activation: Activation, *, aliases: tuple[str, ...] = ()) -> Activation:
    """Add ``activation``; a property key that :mod:`kernels.verify` cannot check raises."""
    known = known_traits(elementwise=activation.elementwise)
    unknown = sorted(set(activation.properties) - set(known))
    if unknown:
        raise ValueError(
            f"activation {activation.name!r} declares unknown property {unknown[0]!r};"
            f" the probe checks: {', '.join(known)}"
        )
    for key in (activation.name, *aliases):
        if key in _REGISTRY or key in _ALIASES:
            raise ValueError(f"activation {key!r} is already registered")
    _REGISTRY[activation.name] = activation
    for alias in aliases:
        _ALIASES[alias] = activation.name
    return activation


def names() -> list[str]:
    """Every name :func:`get` accepts, aliases included, sorted."""
    return sorted([*_REGISTRY, *_ALIASES])


def canonical_names() -> list[str]:
    """One name per function (no aliases), sorted."""
    return sorted(_REGISTRY)


def get(name: str) -> Activation:
    """The entry called ``name`` (or an alias of it); :class:`KeyError` lists the known names."""
    key = _ALIASES.get(name, name)
    try:
        return _REGISTRY[key]
    except (KeyError, TypeError):
        raise KeyError(f"unknown activation {name!r}; known: {', '.join(names())}") from None


def aliases_of(name: str) -> list[str]:
    return sorted(alias for alias, target in _ALIASES.items() if target == name)
