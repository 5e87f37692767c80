"""Figures: each catalog function the path covers with its derivative, PNG and SVG.

Keyed by what they show (:mod:`content.figure_specs`), so a figure that exists is reused
by every path and clone, and never drawn twice. The SVG is deterministic (fixed hash salt,
no date), so a re-draw gives the same bytes.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from content.figure_specs import FigureSpec, figure_specs
from content.models import Figure
from kernels import plotting
from learning.selectors.bundles import path_export


def figure_draw(spec: FigureSpec) -> Figure:
    """The figure for ``spec``: the stored one, or drawn and stored now."""
    figure = Figure.objects.filter(key=spec.key).first()
    if (
        figure
        and default_storage.exists(figure.svg.name)
        and default_storage.exists(figure.png.name)
    ):
        return figure
    drawing = plotting.plot_activation(spec.kernel, x_min=spec.x_min, x_max=spec.x_max,
                                       params=spec.params)  # fmt: skip
    names = {}
    for fmt in ("png", "svg"):
        name = f"figures/{spec.kernel}-{spec.key[:16]}.{fmt}"
        if default_storage.exists(name):
            default_storage.delete(name)  # a half-written earlier try: write it whole
        names[fmt] = default_storage.save(name, ContentFile(plotting.render(drawing, fmt)))
    fields = {"kernel": spec.kernel, "title": spec.title, "spec": spec.shown,
              "png": names["png"], "svg": names["svg"]}  # fmt: skip
    try:
        with transaction.atomic():
            figure, _ = Figure.objects.update_or_create(key=spec.key, defaults=fields)
    except IntegrityError:  # another job stored it meanwhile
        figure = Figure.objects.get(key=spec.key)
    return figure


def run(*, job, report) -> None:
    specs = figure_specs(path_export(job.path))
    for done, spec in enumerate(specs, start=1):
        figure_draw(spec)
        report(done / len(specs))
