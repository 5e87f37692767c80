"""Reads of the pipeline's output: a path's figures and verification, a job."""

from django.db.models import QuerySet

from config.errors import NotFound
from content.figure_specs import figure_placements, figure_specs
from content.models import Figure, GenerationJob, Verification
from learning.models import Path
from learning.selectors.bundles import path_export
from learning.selectors.paths import path_can_edit, path_get_for_read


def path_figures(path: Path) -> list[tuple[Figure, str | None]]:
    """The stored figures of the functions ``path`` covers, in catalog order, each with
    the ``origin_uid`` of the article section it belongs beside (a clone finds its
    source's figures: they are keyed by what they show, not by the path)."""
    bundle = path_export(path)
    placements = figure_placements(bundle)
    keys = {spec.key: spec.kernel for spec in figure_specs(bundle)}
    found = {figure.key: figure for figure in Figure.objects.filter(key__in=keys)}
    return [(found[key], placements[kernel]) for key, kernel in keys.items() if key in found]


def path_verifications(path: Path) -> QuerySet[Verification]:
    return Verification.objects.filter(path=path).order_by("id")


def path_get_for_edit_read(*, slug: str, user) -> Path:
    """The path if ``user`` may edit it; 404 otherwise, so that nobody else learns that
    its verification exists."""
    path = path_get_for_read(slug=slug, user=user)
    if not path_can_edit(path, user):
        raise NotFound(f"No verification for {slug!r} that you may read.")
    return path


def job_get(*, job_id: int, user) -> GenerationJob:
    """Job ``job_id`` if ``user`` may see it (who asked for it, the path's owner, staff)."""
    job = GenerationJob.objects.select_related("path").filter(pk=job_id).first()
    if job is None or not (
        user.is_authenticated
        and (user.is_staff or job.requested_by_id == user.pk or path_can_edit(job.path, user))
    ):
        raise NotFound(f"No job {job_id}.")
    return job


def job_row(job: GenerationJob) -> dict:
    """A job as the API shows it."""
    return {
        "id": job.pk,
        "path": job.path.slug,
        "state": job.state,
        "progress": job.progress,
        "step": job.step,
        "error": job.error,
        "steps": job.steps,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


def article_figures_of(path: Path) -> dict[str, list[dict]]:
    """The article's figures by section ``origin_uid`` (learning.extensions' provider);
    figures placed beside no section are left out."""
    placed: dict[str, list[dict]] = {}
    for figure, section_uid in path_figures(path):
        if section_uid is None:
            continue
        placed.setdefault(section_uid, []).append(
            {
                "kernel": figure.kernel,
                "title": figure.title,
                "svg_url": figure.svg.url,
                "png_url": figure.png.url,
            }
        )
    return placed
