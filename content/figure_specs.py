"""Which figures a path needs, and the key that names each by what it shows.

A path covers a catalog function when the function's name (``hard_swish``, also spelled
``hard swish`` or ``hard-swish``) or title appears as a whole word in a section's title or
body, a section claim's ``compute``, a flashcard or its claim, or a question's prompt or key. Each covered
function gets one figure: the function and its derivative on one set of axes.

The key is a sha256 of what the figure shows: the function, its parameters, the x range,
and the catalog version of that entry (its formulas, parameters and title, and the plot
style), so a changed entry is drawn again and an unchanged one never is. Keys do not
depend on the path, so every path and every clone that covers a function shares its figure.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

import kernels
from kernels import plotting
from kernels.catalog import aliases_of

#: Bump when the drawing changes in a way the catalog entry does not show.
FIGURE_FORMAT = 1
X_RANGE = (-4.0, 4.0)


@dataclass(frozen=True)
class FigureSpec:
    kernel: str
    x_min: float = X_RANGE[0]
    x_max: float = X_RANGE[1]
    params: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{kernels.get(self.kernel).title} and its derivative"

    @property
    def shown(self) -> dict:
        """Everything the figure shows, as JSON: hashed into :attr:`key`, stored as ``spec``."""
        act = kernels.get(self.kernel)
        entry = [act.title, act.latex, act.derivative_latex, dict(act.params)]
        style = [sorted(plotting.STYLE.items()), plotting.POINTS, FIGURE_FORMAT]
        version = hashlib.sha256(json.dumps([entry, style]).encode()).hexdigest()[:16]
        return {
            "function": act.name,
            "derivative": True,
            "parameters": {**act.params, **self.params},
            "x_range": [self.x_min, self.x_max],
            "catalog_version": version,
        }

    @property
    def key(self) -> str:
        return hashlib.sha256(json.dumps(self.shown, sort_keys=True).encode()).hexdigest()


def _pattern(name: str) -> re.Pattern:
    act = kernels.get(name)
    spellings = {name, act.name, act.title, *aliases_of(act.name)}
    words = "|".join(
        re.escape(s.lower()).replace("_", "[ _-]").replace(r"\ ", "[ _-]")
        for s in sorted(spellings, key=len, reverse=True)
    )
    return re.compile(rf"(?<![\w-])(?:{words})(?![\w-])")


def _texts(bundle: dict) -> list[str]:
    texts: list[str] = []
    for section in _sections(bundle):
        texts += [section["title"], section.get("body", "")]
        texts += [c.get("compute", "") for c in section.get("claims") or []]
    for card in bundle["flashcards"]:
        texts += [card["front"], card["back"], json.dumps(card.get("claim") or {})]
    for quiz in bundle["quizzes"]:
        texts += [q["prompt"] + json.dumps(q.get("answer") or {}) for q in quiz["questions"]]
    return texts


def _sections(bundle: dict) -> list[dict]:
    return [s for top in bundle["sections"] for s in (top, *top.get("children", []))]


def figure_placements(bundle: dict) -> dict[str, str | None]:
    """Where each covered function's figure belongs in the article: the ``origin_uid`` of
    the first section whose title, or else body, names it (``None``: no section does)."""
    sections = _sections(bundle)
    placements = {}
    for spec in figure_specs(bundle):
        pattern = _pattern(spec.kernel)
        found = next((s for s in sections if pattern.search(s["title"].lower())), None) or next(
            (s for s in sections if pattern.search(s.get("body", "").lower())), None
        )
        placements[spec.kernel] = found["origin_uid"] if found else None
    return placements


def figure_specs(bundle: dict) -> list[FigureSpec]:
    """One spec per catalog function the bundle covers, in catalog order."""
    text = "\n".join(_texts(bundle)).lower()
    return [FigureSpec(name) for name in kernels.canonical_names() if _pattern(name).search(text)]
