"""Studytree's catalog of activation functions: pure numpy, no Django.

>>> import kernels
>>> act = kernels.get("gelu")
>>> float(act.forward(1.0))  # doctest: +ELLIPSIS
0.841344746...
"""

from kernels import functions as _functions  # noqa: F401  (registers the entries)
from kernels import gated as _gated  # noqa: F401
from kernels import softmax as _softmax  # noqa: F401
from kernels.catalog import Activation, canonical_names, get, names

__all__ = ["Activation", "canonical_names", "get", "names"]
