"""The pipeline in the admin: jobs with their failed/uncheckable counts, a "generate"
action on paths (the same :class:`~content.services.GeneratePath` as the API), figures,
and verification results as badges."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.html import format_html

from content.models import Figure, GenerationJob, Verification
from content.services import GeneratePath, path_verify
from learning.models import Path

BADGE_COLOURS = {"verified": "#1b7f3b", "failed": "#b3261e", "uncheckable": "#8a6d00"}


def _badge(text: str, status: str):
    return format_html(
        '<span style="color:#fff;background:{};padding:1px 6px;border-radius:8px">{}</span>',
        BADGE_COLOURS.get(status, "#555"),
        text,
    )


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = ("id", "path", "state", "progress", "step", "failed_badge",
                    "uncheckable_badge", "created_at", "finished_at")  # fmt: skip
    list_filter = ("state",)
    readonly_fields = [f.name for f in GenerationJob._meta.fields]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("path")
            .annotate(
                n_failed=Count("checks", filter=Q(checks__status="failed")),
                n_uncheckable=Count("checks", filter=Q(checks__status="uncheckable")),
            )
        )

    @admin.display(description="failed", ordering="n_failed")
    def failed_badge(self, job):
        return _badge(str(job.n_failed), "failed" if job.n_failed else "verified")

    @admin.display(description="uncheckable", ordering="n_uncheckable")
    def uncheckable_badge(self, job):
        return _badge(str(job.n_uncheckable), "uncheckable" if job.n_uncheckable else "verified")

    def has_add_permission(self, request):
        return False


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    list_display = ("path", "item_kind", "claim", "status_badge", "expected", "computed",
                    "checked_at")  # fmt: skip
    list_filter = ("status", "item_kind", "path")
    search_fields = ("claim", "origin_uid", "message")
    list_select_related = ("path",)

    @admin.display(description="status", ordering="status")
    def status_badge(self, verification):
        return _badge(verification.status, verification.status)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    list_display = ("kernel", "title", "key", "created_at")
    search_fields = ("kernel", "title", "key")
    readonly_fields = [f.name for f in Figure._meta.fields]


@admin.action(description="Generate content (figures, verification, podcast audio)")
def generate_content(modeladmin, request, queryset):
    for path in queryset:
        job = GeneratePath(path, request.user).execute()
        modeladmin.message_user(
            request, f"{path.slug}: job {job.pk} is {job.state}.", messages.SUCCESS
        )


@admin.action(description="Verify now (claims and answer keys, without regenerating)")
def verify_content(modeladmin, request, queryset):
    """The verification step alone (:func:`~content.services.path_verify`), run in the
    request: it replaces the path's checks and reports their counts."""
    for path in queryset:
        checks = path_verify(path=path, user=request.user)
        counts = {status: sum(c.status == status for c in checks) for status in BADGE_COLOURS}
        summary = ", ".join(f"{n} {status}" for status, n in counts.items())
        level = messages.WARNING if counts["failed"] else messages.SUCCESS
        modeladmin.message_user(request, f"{path.slug}: {summary}.", level)


# The path admin is learning's; content adds its actions without learning importing it.
_path_admin = admin.site._registry.get(Path)
if _path_admin is not None:
    _path_admin.actions = [*(_path_admin.actions or []), generate_content, verify_content]
