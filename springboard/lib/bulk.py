"""Bulk inserts without building a model instance per row.

`QuerySet.bulk_create` spends most of its time constructing and preparing model objects; for
imports of thousands of rows we insert plain value tuples with `executemany`. Values of fields
whose database form differs from the Python one (UUIDs, dates, datetimes, decimals, JSON) are
prepared by the field itself, exactly as the ORM would; the rest pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connections, models, router

_PREPARED_TYPES = {"UUIDField", "DateField", "DateTimeField", "DecimalField", "JSONField"}
_CACHED_TYPES = {"DateField", "DateTimeField"}  # few distinct values per import


def _preparer(field: Any, connection: Any) -> Callable[[Any], Any] | None:
    internal = field.get_internal_type()
    if internal not in _PREPARED_TYPES:
        return None
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
        ", ".join(quote(f.column) for f in fields),  # type: ignore[union-attr]
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
        cursor.executemany(sql, prepared)
    return len(prepared)


def _chunk_size(model: type[models.Model]) -> int:
    limit = connections[router.db_for_read(model)].features.max_query_params
    return 5000 if limit is None else max(100, min(5000, limit - 50))


def ids_by(
    model: type[models.Model], key: str, values: Sequence[Any], **filters: Any
) -> Mapping[Any, int]:
    """Primary keys of rows whose `key` is in `values`, in chunks the databases accept."""
    found: dict[Any, int] = {}
    size = _chunk_size(model)
    for start in range(0, len(values), size):
        query = model._default_manager.filter(**{f"{key}__in": values[start : start + size]}, **filters)
        found.update(query.values_list(key, "pk"))  # type: ignore[arg-type]
    return found
