"""Verification: every key, claim and stated number of the path, checked by the catalog.

The checks themselves are :func:`content.verification.verify_bundle` (pure); this step
stores them as :class:`~content.models.Verification` rows, replacing the path's previous
ones in one transaction, each tied to the item it checks.
"""

from django.db import transaction

from content.models import Verification
from content.verification import verify_bundle
from learning.kinds import KINDS
from learning.selectors.bundles import path_export
from learning.selectors.items import items_of_kind, path_items


def _item_ids(path) -> dict[str, int]:
    """origin_uid -> the item's id in this path, for every item kind (the kind registry)."""
    items = path_items(path)
    return {str(item.origin_uid): item.pk for kind in KINDS for item in items_of_kind(items, kind)}


def run(*, job, report) -> None:
    verify_path(job.path, job=job, report=report)


def verify_path(path, *, job=None, report=lambda fraction: None) -> list[Verification]:
    """Check ``path`` and store the checks in place of its previous ones (``job``: the
    generation job it is a step of, None when run alone)."""
    checks = verify_bundle(path_export(path))
    report(0.8)
    ids = _item_ids(path)
    rows = [
        Verification(
            path=path,
            job=job,
            item_kind=check.kind,
            item_id=ids.get(check.origin_uid),
            origin_uid=check.origin_uid,
            claim=check.claim,
            status=check.status,
            expected=check.expected,
            computed=check.computed,
            message=check.message,
        )  # fmt: skip
        for check in checks
    ]
    with transaction.atomic():
        Verification.objects.filter(path=path).delete()
        Verification.objects.bulk_create(rows)
    report(1.0)
    return rows
