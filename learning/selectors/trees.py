"""The tree of a path (SPEC §4), whole or as the preview, cached as JSON.

The tree is built as plain dicts from a constant number of queries (``path_items``) and
cached as encoded JSON under the path's pk, version and the preview flag: every content change
bumps the version (``path_content_changed``), so a changed path is simply a new key and
stale entries age out. The same triple gives the tree's ETag. Since a key's tree never
changes, each process also keeps its own copy of the trees it served last.

No tree or preview carries an answer key: rows come from ``reader_row``, which leaves out
every kind's ``key_fields`` and ``is_correct``.
"""

import gzip
import json

from django.conf import settings
from django.core.cache import cache

from config.errors import NotFound
from config.local_cache import LocalBytes
from learning.models import Path, Section
from learning.rendering import render_markdown_many
from learning.selectors.items import path_items, reader_row, section_row, section_tree
from learning.selectors.paths import PathHead

TREE_TTL = 60 * 60 * 24
#: Each process keeps the trees it served last (a versioned key's tree never changes).
trees_in_process = LocalBytes(settings.TREE_MEMORY_BYTES)
#: A preview's podcast transcript: the segments that start within this many seconds.
PREVIEW_TRANSCRIPT_SECONDS = 60


# --- the tree ------------------------------------------------------------------------------


def tree_cache_key(path: Path | PathHead, *, preview: bool) -> str:
    # created_at guards against a reused pk (SQLite reuses them after a rollback).
    born = int(path.created_at.timestamp() * 1_000_000) if path.created_at else 0
    return f"tree:{path.pk}:{born}:{path.version}:{int(preview)}"


def tree_etag(path: Path | PathHead, *, preview: bool) -> str:
    return f'"path-{path.pk}-v{path.version}-{"preview" if preview else "whole"}"'


def path_tree_bytes(path: Path | PathHead, *, preview: bool) -> bytes:
    """The tree as UTF-8 JSON, from the cache when this version was built before (stored
    encoded, so a hit is served as it is): this process's copy first, then the shared
    cache. Given only a :class:`PathHead`, the path is loaded on a miss."""
    key = tree_cache_key(path, preview=preview)
    body = trees_in_process.get(key)
    if body is not None:
        return body
    body = cache.get(key)
    if body is None:
        if isinstance(path, PathHead):
            path = Path.objects.select_related("owner", "cloned_from").filter(pk=path.pk).first()
            if path is None:
                raise NotFound("That path was just deleted.")
        key = tree_cache_key(path, preview=preview)
        body = json.dumps(tree_build(path, preview=preview), ensure_ascii=False).encode()
        cache.set(key, body, TREE_TTL)
    trees_in_process.set(key, body)
    return body


def path_tree_gzip(path: Path | PathHead, *, preview: bool) -> bytes:
    """:func:`path_tree_bytes` gzipped, compressed once per process and version."""
    key = tree_cache_key(path, preview=preview) + ":gzip"
    body = trees_in_process.get(key)
    if body is None:
        body = gzip.compress(path_tree_bytes(path, preview=preview), mtime=0)
        trees_in_process.set(key, body)
    return body


def path_tree(path: Path, *, preview: bool) -> dict:
    """The tree as a dict (for the web pages); see :func:`tree_build`."""
    return json.loads(path_tree_bytes(path, preview=preview))


def tree_build(path: Path, *, preview: bool) -> dict:
    """The path's tree (SPEC §4), whole or as the preview.

    The preview keeps every section title, all counts, the body of the first top-level
    section only, the first flashcard, the first question of each quiz, the transcript
    segments starting in the first minute and every resource.
    """
    items = path_items(path)
    tops = section_tree(items["sections"])
    shown = {tops[0][0].pk} if preview and tops else {s.pk for s in items["sections"]}
    rendered = [s for s in items["sections"] if s.pk in shown]
    html = dict(zip((s.pk for s in rendered), render_markdown_many([s.body for s in rendered])))

    def section(s: Section, kids: list[Section]) -> dict:
        row = section_row(s, html.get(s.pk), shown=s.pk in shown)
        return row | {"children": [section(kid, []) for kid in kids]}

    quizzes = [(quiz, list(quiz.questions.all())) for quiz in items["quizzes"]]
    podcast = items["podcast"]
    transcript = podcast.transcript if podcast else []
    if preview:
        transcript = [s for s in transcript if s.get("start", 0) < PREVIEW_TRANSCRIPT_SECONDS]
    flashcards = items["flashcards"][:1] if preview else items["flashcards"]
    return {
        "slug": path.slug,
        "title": path.title,
        "summary": path.summary,
        "key_points": list(path.key_points),
        "owner": path.owner.username if path.owner_id else None,
        "version": path.version,
        "preview": preview,
        "cloned_from": path.cloned_from.slug if path.cloned_from_id else None,
        "counts": {
            "sections": len(items["sections"]),
            "flashcards": len(items["flashcards"]),
            "questions": sum(len(questions) for _, questions in quizzes),
            "resources": len(items["resources"]),
        },
        "sections": [section(s, kids) for s, kids in tops],
        "flashcards": [reader_row(card) for card in flashcards],
        "quizzes": [
            reader_row(quiz)
            | {"questions": [reader_row(q) for q in (questions[:1] if preview else questions)]}
            for quiz, questions in quizzes
        ],
        "podcast": {
            "title": podcast.title,
            "duration_seconds": podcast.duration_seconds,
            "audio_url": podcast.audio.url if podcast.audio else None,
            # The WebVTT transcript sits beside the audio (learning.services.podcasts).
            "transcript_url": podcast.audio.url.rsplit(".", 1)[0] + ".vtt"
            if podcast.audio
            else None,
            "transcript": [
                {k: segment.get(k) for k in ("start", "end", "speaker", "text")}
                for segment in transcript
            ],
        }
        if podcast
        else None,
        "resources": [reader_row(r) for r in items["resources"]],
    }
