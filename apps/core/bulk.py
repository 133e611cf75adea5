"""Writing many rows at once: PostgreSQL's `COPY` where the database is PostgreSQL, Django's
`bulk_create` (inserts) and `executemany` (updates) elsewhere. Imports and the national benchmark
data set use it; one web form never does. Table and column names come from the models, never from
input; values always go as parameters or through COPY.

Rows are plain mappings of field name to value, so no model object is built per row: building them
cost more than the database did. The caller has validated every value (this is a write path, not a
check), and model defaults fill the fields a row leaves out, `auto_now` fields included.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

from lib.batching import batched

BATCH = 5000


def _defaults(model: type[models.Model], given: Sequence[str]) -> dict[str, Any]:
    now = timezone.now()
    defaults: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given or field.name in given:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        else:
            # The model's default; for a text field without one, "" (Django's own rule).
            defaults[field.attname] = field.get_default()
    return defaults


def _attname(model: type[models.Model], name: str) -> str:
    return model._meta.get_field(name).attname  # type: ignore[union-attr]


def bulk_insert(model: type[models.Model], rows: Iterable[Mapping[str, Any]], *, fields: Sequence[str]) -> list[int]:
    """Insert `rows` (each with exactly `fields`, by field name or attname; foreign keys as ids)
    and return their new primary keys in order. Runs inside the caller's transaction."""
    columns = [_attname(model, name) for name in fields]
    defaults = _defaults(model, columns)
    ids: list[int] = []
    for batch in batched(rows, BATCH):
        if connection.vendor == "postgresql":
            ids.extend(_copy(model, [tuple(row[name] for name in fields) for row in batch], columns, defaults))
        else:
            objects = [model(**dict(zip(columns, (row[n] for n in fields), strict=True)), **defaults) for row in batch]
            model._default_manager.bulk_create(objects)
            ids.extend(obj.pk for obj in objects)
    return ids


def _copy(
    model: type[models.Model], values: list[tuple[Any, ...]], columns: list[str], defaults: dict[str, Any]
) -> list[int]:
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    json_columns = {
        index
        for index, column in enumerate([*columns, *defaults])
        if isinstance(model._meta.get_field(_field_name(model, column)), models.JSONField)
    }
    constant = tuple(defaults.values())
    with connection.cursor() as cursor:
        # Draw the ids first, so the caller learns them without a RETURNING that COPY lacks.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, len(values)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        names = ", ".join(connection.ops.quote_name(c) for c in [pk.column, *columns, *defaults])
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy:
            for pk_value, row in zip(ids, values, strict=True):
                full = row + constant
                if json_columns:
                    full = tuple(json.dumps(v) if i in json_columns else v for i, v in enumerate(full))
                copy.write_row((pk_value, *full))
    return ids


def bulk_set(model: type[models.Model], rows: Iterable[Mapping[str, Any]], *, fields: Sequence[str]) -> None:
    """Set `fields` of existing rows: each row holds the primary key as "pk" and a value for each
    field (by name or attname; foreign keys as ids).

    Django's `bulk_update` builds a CASE expression per field per row, which cost 2 s per 2 000
    rows in the import benchmark; here PostgreSQL gets the values by COPY into a scratch table and
    one UPDATE … FROM, and SQLite one prepared UPDATE run for every row."""
    columns = [_attname(model, name) for name in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    pk = model._meta.pk
    assert pk is not None
    quoted_pk = connection.ops.quote_name(pk.column)
    quoted = [connection.ops.quote_name(column) for column in columns]
    with connection.cursor() as cursor:
        for batch in batched(rows, BATCH):
            values = [(row["pk"], *(row[name] for name in fields)) for row in batch]
            if connection.vendor != "postgresql":
                assignments = ", ".join(f"{name} = %s" for name in quoted)
                statement = f"UPDATE {table} SET {assignments} WHERE {quoted_pk} = %s"  # noqa: S608 - model names
                cursor.executemany(statement, [(*v[1:], v[0]) for v in values])
                continue
            # The scratch table takes the real columns' types; it lives until the transaction ends.
            cursor.execute(
                f"CREATE TEMPORARY TABLE insyn_bulk_set ON COMMIT DROP AS "  # noqa: S608 - model names
                f"SELECT {quoted_pk}, {', '.join(quoted)} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY insyn_bulk_set ({quoted_pk}, {', '.join(quoted)}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
            assignments = ", ".join(f"{name} = source.{name}" for name in quoted)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM insyn_bulk_set AS source "  # noqa: S608 - model names
                f"WHERE {table}.{quoted_pk} = source.{quoted_pk}"
            )
            cursor.execute("DROP TABLE insyn_bulk_set")


def _field_name(model: type[models.Model], attname: str) -> str:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field.name
    raise ValueError(f"{model.__name__} has no column {attname}.")
