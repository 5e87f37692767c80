"""OpenAPI links: which answer names what the next request needs.

drf-spectacular does not write links, so this postprocessing hook adds them from the
table below: a clone's answer gives the slug to read, sync and export it; a new attempt's
answer the id to submit; a new item's answer the id to read, change or delete it. Clients
may follow them, and ``tests/security/test_schema_fuzz.py`` runs schemathesis' stateful
phase along them.
"""

from learning.api.items import ITEM_VIEWS

SLUG = {"slug": "$response.body#/slug"}
ID = {"id": "$response.body#/id"}

#: ``(operation that answers, status, link name, operation to call next, its parameters)``
LINKS = [
    ("v1_paths_clone_create", "201", "ReadTheClone", "v1_paths_retrieve", SLUG),
    ("v1_paths_clone_create", "201", "ItsUpdates", "v1_paths_updates_retrieve", SLUG),
    ("v1_paths_clone_create", "201", "SyncIt", "v1_paths_sync_create", SLUG),
    ("v1_paths_clone_create", "201", "ExportIt", "v1_paths_export_retrieve", SLUG),
    ("v1_paths_clone_create", "201", "ItsFlashcards", "v1_paths_flashcards_list", SLUG),
    ("v1_paths_import_create", "201", "ReadTheImport", "v1_paths_retrieve", SLUG),
    ("v1_paths_import_create", "201", "EditIt", "v1_paths_partial_update", SLUG),
    ("v1_paths_import_create", "201", "DeleteIt", "v1_paths_destroy", SLUG),
    ("v1_quizzes_attempts_create", "201", "ReadTheAttempt", "v1_attempts_retrieve", ID),
    ("v1_quizzes_attempts_create", "201", "SubmitIt", "v1_attempts_submit_create", ID),
    (
        "v1_attempts_submit_create", "202", "ReadTheGrade", "v1_attempts_retrieve",
        {"id": "$request.path.id"},
    ),
    ("v1_paths_generate_create", "202", "FollowTheJob", "v1_jobs_retrieve", ID),
    (
        "v1_reviews_create", "201", "SuspendTheCard", "v1_reviews_cards_suspend_create",
        {"flashcard": "$response.body#/flashcard"},
    ),
    *[
        (f"v1_paths_{kind}_create", "201", f"{verb}It", f"v1_{kind}_{operation}", ID)
        for kind in ITEM_VIEWS
        for verb, operation in [
            ("Read", "retrieve"), ("Change", "partial_update"), ("Delete", "destroy")
        ]
    ],
]  # fmt: skip


def links_hook(result, generator, request, public):
    """drf-spectacular postprocessing: :data:`LINKS` on the answers they start from."""
    operations = {
        operation["operationId"]: operation
        for methods in result.get("paths", {}).values()
        for operation in methods.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for source, status, name, target, parameters in LINKS:
        if source in operations and target in operations:
            answer = operations[source]["responses"][status]
            answer.setdefault("links", {})[name] = {
                "operationId": target,
                "parameters": parameters,
            }
    return result
