"""Bulk inserts without building a model instance per row.

`QuerySet.bulk_create` spends most of its time constructing and preparing model objects; for
imports of thousands of rows we insert plain value tuples (COPY on PostgreSQL, `executemany`
elsewhere). Values of fields whose database form differs from the Python one (UUIDs, dates,
datetimes, decimals, JSON) are prepared by the field itself, exactly as the ORM would; the rest
pass through unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from django.db import connections, models, router

_PREPARED_TYPES = {"UUIDField", "DateField", "DateTimeField", "DecimalField", "JSONField"}
_CACHED_TYPES = {"DateField", "DateTimeField"}  # few distinct values per import


def random_uuid_hexes(count: int) -> list[str]:
    """`count` random version-4 UUIDs as 32 hex digits, the form SQLite stores and PostgreSQL
    accepts, without building a `uuid.UUID` for each (a measurable cost at 10,000 rows)."""
    raw = np.frombuffer(os.urandom(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    digits = raw.tobytes().hex()
    return [digits[i : i + 32] for i in range(0, 32 * count, 32)]


def _preparer(field: Any, connection: Any) -> Callable[[Any], Any] | None:
    internal = field.get_internal_type()
    if internal not in _PREPARED_TYPES:
        return None
    if internal == "UUIDField":
        # Hex strings from random_uuid_hexes go in as they are; UUID objects are prepared.
        return lambda value: (
            value if isinstance(value, str) else field.get_db_prep_save(value, connection)
        )
    if internal not in _CACHED_TYPES:
        return lambda value: field.get_db_prep_save(value, connection)
    cache: dict[Any, Any] = {}

    def prepare(value: Any) -> Any:
        if value not in cache:
            cache[value] = field.get_db_prep_save(value, connection)
        return cache[value]

    return prepare


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert `rows` (values in the order of `columns`, which name model fields)."""
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in columns]
    preparers = [(index, _preparer(f, connection)) for index, f in enumerate(fields)]
    active = [(index, p) for index, p in preparers if p is not None]
    quote = connection.ops.quote_name
    # Only quoted names from the model's own metadata are formatted in; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(str(f.column)) for f in fields),  # type: ignore[union-attr]
        ", ".join(["%s"] * len(fields)),
    )
    prepared: list[Sequence[Any]] = []
    for values in rows:
        if active:
            as_list = list(values)
            for index, prepare in active:
                as_list[index] = prepare(as_list[index])
            prepared.append(as_list)
        else:
            prepared.append(values)
    if not prepared:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams all rows in one statement: far fewer round trips than one INSERT each.
            copy_sql = "COPY {} ({}) FROM STDIN".format(
                quote(model._meta.db_table),
                ", ".join(quote(str(f.column)) for f in fields),  # type: ignore[union-attr]
            )
            with cursor.cursor.copy(copy_sql) as copy:
                for values in prepared:
                    copy.write_row(values)
        else:
            cursor.executemany(sql, prepared)
    return len(prepared)


def _chunk_size(model: type[models.Model]) -> int:
    limit = connections[router.db_for_read(model)].features.max_query_params
    return 5000 if limit is None else max(100, min(5000, limit - 50))


def ids_by(
    model: type[models.Model], key: str, values: Sequence[Any], **equal: Any
) -> Mapping[Any, int]:
    """Primary keys of rows whose `key` is in `values` (and whose fields equal `equal`; None
    means IS NULL).

    Raw SQL because preparing a lookup with thousands of values costs more than running it; on
    PostgreSQL the values travel as one array parameter (`= ANY(%s)`).
    """
    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    key_field = meta.get_field(key)
    key_column = quote(str(key_field.column))  # type: ignore[union-attr]
    prepare = _preparer(key_field, connection) or (lambda value: value)
    filters = [
        f"{quote(str(meta.get_field(name).column))} {'IS NULL' if value is None else '= %s'}"  # type: ignore[union-attr]
        for name, value in equal.items()
    ]
    filter_params = [
        value.pk if isinstance(value, models.Model) else value
        for value in equal.values()
        if value is not None
    ]
    postgres = connection.vendor == "postgresql"
    size = len(values) if postgres else _chunk_size(model) - len(filter_params)
    found: dict[Any, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(values), max(size, 1)):
            chunk = [prepare(value) for value in values[start : start + size]]
            match = "= ANY(%s)" if postgres else "IN ({})".format(", ".join(["%s"] * len(chunk)))
            # Only quoted names from the model's own metadata are formatted in.
            sql = "SELECT {}, {} FROM {} WHERE {}".format(  # noqa: S608
                key_column,
                quote(str(meta.pk.column)),
                quote(meta.db_table),
                " AND ".join([f"{key_column} {match}", *filters]),
            )
            params = [chunk] if postgres else list(chunk)
            cursor.execute(sql, [*params, *filter_params])
            found.update(cursor.fetchall())
    return found
