"""The PyTorch function each catalog entry follows, for parity tests and benchmarks.

PyTorch is optional: it is imported only when :func:`torch_peers` is called.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def torch_peers() -> dict[str, Callable[[Any], Any]]:
    """Catalog name -> a function of a torch tensor (elementwise entries; softmax on dim -1)."""
    import torch
    import torch.nn.functional as F

    return {
        "identity": lambda t: t.clone(),
        "step": lambda t: (t >= 0).to(t.dtype),
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": F.relu,
        "leaky_relu": F.leaky_relu,
        "prelu": lambda t: F.prelu(t, torch.tensor([0.25], dtype=t.dtype)),
        "elu": F.elu,
        "selu": F.selu,
        "softplus": lambda t: F.softplus(t, beta=1.0, threshold=1e4),  # exact, like ours
        "softsign": F.softsign,
        "gelu": F.gelu,
        "gelu_tanh": lambda t: F.gelu(t, approximate="tanh"),
        "swish": F.silu,
        "mish": F.mish,
        "hard_sigmoid": F.hardsigmoid,
        "hard_swish": F.hardswish,
        "relu6": F.relu6,
        "softmax": lambda t: torch.softmax(t, dim=-1),
    }
