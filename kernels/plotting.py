"""Plots of catalog functions as matplotlib Figures, rendered to deterministic SVG or PNG.

Uses the object-oriented API with the Agg canvas, never pyplot's global state, so it is safe
in worker processes and threads. Rendering the same figure twice gives identical bytes: the
SVG hash salt is fixed and the date is left out of the metadata.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kernels.catalog import get

STYLE = {
    "svg.hashsalt": "studytree-kernels",
    "svg.fonttype": "path",
    "font.size": 10,
    "axes.grid": True,
    "grid.alpha": 0.35,
}
POINTS = 801


def _curves(name: str, x: np.ndarray, params: Mapping[str, float]):
    act = get(name)
    if act.elementwise:
        return act.forward(x, **params), act.derivative(x, **params), "z"
    pairs = np.stack([x, np.zeros_like(x)], axis=-1)  # softmax([z, 0]): first weight
    return act.forward(pairs)[:, 0], act.derivative(pairs)[:, 0], "z (softmax of [z, 0])"


def plot_activation(
    name: str,
    *,
    x_min: float = -4.0,
    x_max: float = 4.0,
    derivative: bool = True,
    params: Mapping[str, float] | None = None,
) -> Figure:
    """A labelled plot of ``name`` (and its derivative) on ``[x_min, x_max]``."""
    if not x_min < x_max:
        raise ValueError(f"x_min must be below x_max, got {x_min} and {x_max}")
    act = get(name)
    params = dict(params or {})
    act.resolve(params)  # unknown parameters fail before anything is drawn
    x = np.linspace(float(x_min), float(x_max), POINTS)
    y, dy, xlabel = _curves(act.name, x, params)
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(6.4, 4.0), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.plot(x, y, color="#1f5fa8", linewidth=2.0, label=f"{act.name}(z)")
        if derivative:
            ax.plot(x, dy, color="#d9631e", linewidth=1.6, linestyle="--", label=f"{act.name}'(z)")
        ax.axhline(0.0, color="#555555", linewidth=0.8)
        ax.axvline(0.0, color="#555555", linewidth=0.8)
        shown = ", ".join(f"{k}={v:g}" for k, v in {**act.params, **params}.items())
        ax.set_title(act.title + (f" ({shown})" if shown else ""))
        ax.set_xlabel(xlabel)
        ax.set_ylabel("f(z)")
        ax.set_xlim(x[0], x[-1])
        ax.legend(loc="best")
        fig.tight_layout()
    return fig


def render(fig: Figure, fmt: str = "svg") -> bytes:
    """The figure as SVG or PNG bytes; identical input gives identical bytes."""
    if fmt not in ("svg", "png"):
        raise ValueError(f"format must be 'svg' or 'png', got {fmt!r}")
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        FigureCanvasAgg(fig)
        fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()
