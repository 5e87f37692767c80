"""Bulk SQL for whole paths: copy a path's items into its clone inside the database, one
``INSERT … SELECT`` per step (``items_copy``), and update many rows in one statement
(``rows_update``).

Cloning 10,000 items through model instances and ``bulk_create`` spends most of its time in
Python building the objects and compiling the inserts; here no row leaves the database.
Each step is ``INSERT INTO item (…) SELECT … FROM item s … WHERE s.path_id = %s``, holders
before what they hold: top-level sections, their children, flashcards, quizzes, questions,
choices, the podcast, resources. Portable SQL (SQLite ≥ 3.25 for the window function,
PostgreSQL), names from the models' ``_meta``, every value a parameter.

Every column is copied as is, except:

- the primary key (new) and ``path`` (the clone);
- the foreign key to a holder (a section's parent, a question's quiz, a choice's question):
  the holder's copy in the clone, found by the source holder's ``origin_uid``;
- ``position``: numbered 0, 1, … within its group in the source's (position, id) order, as
  an import numbers it;
- ``synced_hash``: the source's ``content_hash``. The content is copied unchanged, so the
  ``content_hash`` is too, and the clone starts in sync with its upstream.
"""

import sqlite3

from django.db import connection, models

from learning.models import (
    Choice,
    Flashcard,
    Path,
    Podcast,
    Question,
    Quiz,
    Resource,
    Section,
)

__all__ = ["items_copy", "query_params_limit", "rows_update"]


def items_copy(*, source: Path, clone: Path) -> None:
    """Copy every item of ``source`` into ``clone`` (eight statements, whatever the size).

    Sections nest one level, as in a bundle: a section under a subsection is not copied.
    """
    steps = [
        rows_copy(Section, where="s.{parent} IS NULL"),
        rows_copy(Section, holder="parent", where="h.{parent} IS NULL"),
        rows_copy(Flashcard, refs=("section",)),
        rows_copy(Quiz),
        rows_copy(Question, holder="quiz"),
        rows_copy(Choice, holder="question"),
        rows_copy(Podcast),
        rows_copy(Resource),
    ]
    with connection.cursor() as cursor:
        for sql, params in steps:
            cursor.execute(sql, [source.pk if p == "source" else clone.pk for p in params])


def rows_copy(
    model: type[models.Model],
    *,
    holder: str | None = None,
    refs: tuple[str, ...] = (),
    where: str = "",
) -> tuple[str, list[str]]:
    """The ``INSERT … SELECT`` copying ``model``'s rows of the source path into the clone,
    and its parameters by name (``"source"`` or ``"clone"``, the paths' ids in order).

    Aliases: ``s`` the source row; with a ``holder`` foreign key, ``h`` the row it points
    to and ``n`` that row's copy in the clone. ``refs`` are nullable foreign keys to other
    items (a card's section), pointed at their copies the same way (``r0``/``m0``…, outer
    joins). ``where`` may name columns as ``{field_name}`` (of ``model``).
    """
    quote = connection.ops.quote_name
    meta = model._meta
    column = {field.name: quote(field.column) for field in meta.concrete_fields}
    pk = column[meta.pk.name]
    params: list[str] = []
    joins = ""
    group = ""
    if holder:
        target = meta.get_field(holder).related_model._meta
        origin = quote(target.get_field("origin_uid").column)
        path_id = quote(target.get_field("path").column)
        joins = (
            f" JOIN {quote(target.db_table)} h ON h.{quote(target.pk.column)} = s.{column[holder]}"
            f" JOIN {quote(target.db_table)} n ON n.{path_id} = %s AND n.{origin} = h.{origin}"
        )
        group = f"PARTITION BY s.{column[holder]} "
    copies = {}
    for index, name in enumerate(refs):
        target = meta.get_field(name).related_model._meta
        table, pk_column = quote(target.db_table), quote(target.pk.column)
        origin = quote(target.get_field("origin_uid").column)
        path_id = quote(target.get_field("path").column)
        joins += (
            f" LEFT JOIN {table} r{index} ON r{index}.{pk_column} = s.{column[name]}"
            f" LEFT JOIN {table} m{index} ON m{index}.{path_id} = %s"
            f" AND m{index}.{origin} = r{index}.{origin}"
        )
        copies[name] = f"m{index}.{pk_column}"
    names, values = [], []
    for field in meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(quote(field.column))
        if field.name == "path":
            values.append("%s")
            params.append("clone")
        elif field.name == holder:
            values.append(f"n.{quote(field.target_field.column)}")
        elif field.name in copies:
            values.append(copies[field.name])
        elif field.name == "position":
            values.append(f"ROW_NUMBER() OVER ({group}ORDER BY s.{column['position']}, s.{pk}) - 1")
        elif field.name == "synced_hash":
            values.append(f"s.{column['content_hash']}")
        else:
            values.append(f"s.{quote(field.column)}")
    if holder:
        params.append("clone")
    params.extend("clone" for _ in refs)
    # A choice has no path of its own: its question's says where it belongs.
    owner = f"s.{column['path']}" if "path" in column else f"h.{path_id}"
    params.append("source")
    conditions = [f"{owner} = %s"]
    if where:
        conditions.append(where.format(**column))
    order = f"s.{column[holder]}, " if holder else ""
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(names)}) "
        f"SELECT {', '.join(values)} FROM {quote(meta.db_table)} s{joins} "
        f"WHERE {' AND '.join(conditions)} "
        f"ORDER BY {order}s.{column['position']}, s.{pk}"
    )
    return sql, params


def rows_update(model, objs: list, names: list[str]) -> None:
    """``bulk_update`` as one ``UPDATE … FROM (VALUES …)`` per batch of rows.

    Django's ``bulk_update`` builds a ``CASE WHEN`` per row and field, which costs seconds
    of Python for a few thousand rows; this costs milliseconds. SQLite before 3.33 has no
    ``UPDATE … FROM`` and gets ``bulk_update``.
    """
    if not objs:
        return
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 33):
        model.objects.bulk_update(objs, names)
        return
    pk = model._meta.pk
    fields = [pk, *(model._meta.get_field(name) for name in names)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(f"c{i}" for i in range(len(fields)))
    assignments = ", ".join(
        f"{quote(field.column)} = CAST(v.c{i} AS {field.db_type(connection)})"
        for i, field in enumerate(fields)
        if i
    )
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_batch = max(1, min(query_params_limit() // len(fields), 5_000))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_batch):
            batch = objs[start : start + per_batch]
            cursor.execute(
                f"WITH v ({columns}) AS (VALUES {', '.join([row] * len(batch))}) "
                f"UPDATE {table} SET {assignments} FROM v "
                f"WHERE {table}.{quote(pk.column)} = CAST(v.c0 AS {pk.rel_db_type(connection)})",
                [
                    field.get_db_prep_save(getattr(obj, field.attname), connection)
                    for obj in batch
                    for field in fields
                ],
            )


def query_params_limit() -> int:
    """How many parameters one statement may carry (on SQLite its real limit, which
    ``learning.apps`` sets on connecting, not Django's 999)."""
    connection.ensure_connection()
    return connection.features.max_query_params or 65_535
