"""Querysets compiled to SQL once per process and database, then run with new values.

Django compiles a queryset's SQL every time it is evaluated, and on the hot reads (SPEC
§8) that costs more than running it: about 0.2 ms of Python for a one-row lookup that
SQLite answers in 0.02 ms. A :class:`Prepared` query is written as an ordinary queryset
(so it reads like every other selector and follows the models), compiled once with
stand-in values, and later run with the real values put where the stand-ins were. Rows
go through the backend's converters, so they come out as ``values_list`` gives them
(aware datetimes, booleans, JSON).

Values are ints, strings, datetimes or UUIDs (adapted as the ORM adapts them). Only
values that reach the SQL unchanged can be stand-ins: exact matches, ``__in`` over a
fixed number of values, comparisons. A lookup that rewrites its value (``__icontains``
wraps it in ``%``) loses the stand-in, and compiling refuses with ``ValueError``.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from itertools import count
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import AutoField, QuerySet
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery

_SERIAL = count(1)
_INT64 = (-(2**63), 2**63 - 1)


class Prepared:
    """``build(**values) -> QuerySet`` (a ``values_list``), run as :meth:`rows`."""

    def __init__(self, build: Callable[..., QuerySet], **kinds: type):
        self.build, self.kinds = build, kinds
        self._compiled: dict[str, tuple[str, list]] = {}

    def rows(self, *, window: slice | None = None, **values) -> list[tuple]:
        """The rows for ``values``; ``window`` (``slice(start, stop)``) pages them. An
        integer beyond the database's 64 bits matches nothing (as the ORM has it)."""
        if any(isinstance(v, int) and not _INT64[0] <= v <= _INT64[1] for v in values.values()):
            return []
        connection = connections[DEFAULT_DB_ALIAS]
        sql, slots, converters = self._compiled.get(connection.alias) or self._compile(connection)
        params = [
            _adapted(values[slot.name], connection) if isinstance(slot, _Slot) else slot
            for slot in slots
        ]
        if window is not None:
            start = window.start or 0
            if window.stop is None:
                raise ValueError("A window needs its stop: rows(window=slice(start, stop)).")
            sql += " LIMIT %s OFFSET %s"
            params += [max(window.stop - start, 0), start]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        if not converters:
            return found
        rows = []
        for row in found:
            row = list(row)
            for position, (functions, expression) in converters.items():
                for convert in functions:
                    row[position] = convert(row[position], expression, connection)
            rows.append(tuple(row))
        return rows

    def first(self, **values) -> tuple | None:
        found = self.rows(window=slice(0, 1), **values)
        return found[0] if found else None

    def _compile(self, connection) -> tuple[str, list, dict]:
        stand_ins = {name: _stand_in(kind) for name, kind in self.kinds.items()}
        query = self.build(**stand_ins).query
        if query.is_sliced:
            raise ValueError("Slice a prepared query with rows(window=…), not in the queryset.")
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        adapted = {name: _adapted(value, connection) for name, value in stand_ins.items()}
        by_value = {(type(v), v): name for name, v in adapted.items()}
        slots = [_Slot(by_value[(type(p), p)]) if (type(p), p) in by_value else p for p in params]
        placed = {slot.name for slot in slots if isinstance(slot, _Slot)}
        if placed != set(stand_ins):
            missing = ", ".join(sorted(set(stand_ins) - placed))
            raise ValueError(f"{missing}: the lookup changes the value; it cannot be prepared.")
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        self._compiled[connection.alias] = (sql, slots, converters)
        return sql, slots, converters


class PreparedInstance(Prepared):
    """A lookup of one ``model`` by a unique key, answering the instance with every
    concrete field loaded (no LIMIT is added, so it may ``select_for_update``)."""

    def __init__(self, model, build: Callable[..., QuerySet], **kinds: type):
        self.model = model
        self.columns = columns_of(model)
        super().__init__(
            lambda **values: build(**values).order_by().values_list(*self.columns), **kinds
        )

    def get(self, **values):
        found = self.rows(**values)
        if len(found) > 1:
            raise ValueError(f"{self.model.__name__}: more than one row; is the key unique?")
        return self.model.from_db(DEFAULT_DB_ALIAS, self.columns, found[0]) if found else None


class PreparedInsert:
    """``bulk_create([instance])`` of one ``model`` instance, its INSERT compiled once per
    process and database: compiling it costs more than running it (a third of a review
    submission, benchmarks/RESULTS.md "load"). ``update_fields`` on a conflict of
    ``unique_fields`` make it an upsert, as ``bulk_create(update_conflicts=True)`` does;
    ``ignore_conflicts`` skips a row that breaks a unique constraint (``save`` answers
    whether the row went in).

    Values are prepared as the ORM prepares them (``pre_save``: ``auto_now`` stamps;
    ``get_db_prep_save``), except plain ints, floats, strings, booleans and None bound for
    the columns that store them as they are, and aware datetimes, adapted as
    :class:`Prepared` adapts them. The primary key is not read back."""

    #: Fields whose values of the types in :data:`_AS_IS` reach the driver unchanged.
    _PLAIN = {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "CharField",
        "FloatField",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
    _AS_IS = (int, float, str, type(None))  # exactly: a bool is not an int here

    def __init__(
        self, model, *, update_fields: Iterable[str] = (), unique_fields=(), ignore_conflicts=False
    ):
        self.model, self.ignore_conflicts = model, ignore_conflicts
        meta = model._meta
        self.update_fields = [meta.get_field(name) for name in update_fields]
        self.unique_fields = [meta.get_field(name) for name in unique_fields]
        self._compiled: dict[tuple[str, bool], tuple[str, list]] = {}

    def save(self, instance) -> bool:
        """Insert ``instance``; answers whether a row was written."""
        connection = connections[DEFAULT_DB_ALIAS]
        key = (connection.alias, instance.pk is not None)
        sql, fields = self._compiled.get(key) or self._compile(connection, instance, key)
        params = [prepare(instance) for prepare in fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            written = cursor.rowcount != 0
        if written:
            instance._state.adding, instance._state.db = False, connection.alias
        return written

    def _compile(self, connection, instance, key: tuple[str, bool]) -> tuple[str, list]:
        fields = [f for f in self.model._meta.concrete_fields if not f.generated]
        if instance.pk is None:
            fields = [f for f in fields if not isinstance(f, AutoField)]
        query = InsertQuery(
            self.model,
            on_conflict=(
                OnConflict.UPDATE
                if self.update_fields
                else OnConflict.IGNORE
                if self.ignore_conflicts
                else None
            ),
            update_fields=self.update_fields,
            unique_fields=self.unique_fields,
        )
        query.insert_values(fields, [instance])
        [(sql, params)] = query.get_compiler(connection=connection).as_sql()
        if len(params) != len(fields) or sql.count("%s") != len(fields):
            raise ValueError(f"{self.model.__name__}: an INSERT this class cannot prepare.")
        compiled = (sql, [self._preparer(field, connection) for field in fields])
        self._compiled[key] = compiled
        return compiled

    @classmethod
    def _preparer(cls, field, connection) -> Callable:
        kind = field.get_internal_type()
        if kind == "ForeignKey":
            kind = field.target_field.get_internal_type()
        plain, stamp = kind in cls._PLAIN, kind == "DateTimeField"

        def prepare(instance):
            value = field.pre_save(instance, True)
            if plain and (type(value) in cls._AS_IS or isinstance(value, str)):
                return value
            if stamp and isinstance(value, datetime) and value.tzinfo is not None:
                return connection.ops.adapt_datetimefield_value(value)
            return field.get_db_prep_save(value, connection)

        return prepare


def columns_of(model, only: Iterable[str] | None = None) -> tuple[str, ...]:
    """The columns (attnames) of ``model``'s concrete fields, or of those among ``only``,
    in field order: the order in which ``Model.from_db`` reads a row of them."""
    wanted = None if only is None else set(only)
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if wanted is None or field.attname in wanted
    )


class _Slot:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


def _stand_in(kind: type):
    """A value of ``kind`` that no real parameter equals."""
    serial = next(_SERIAL)
    if kind is int:
        return -(2**62) - serial
    if kind is str:
        return f"\x01prepared-{serial}\x01"
    if kind is datetime:
        return datetime(1900, 1, 1, tzinfo=UTC) + timedelta(microseconds=serial)
    if kind is UUID:
        return UUID(int=(1 << 127) + serial)
    raise TypeError(f"Prepared values are int, str, datetime or UUID, not {kind.__name__}.")


def _adapted(value, connection):
    """A value as the ORM hands it to the driver (SQLite takes datetimes as text and
    UUIDs as hex)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, UUID) and not connection.features.has_native_uuid_field:
        return value.hex
    return value
