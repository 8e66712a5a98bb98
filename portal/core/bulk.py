"""Many rows at once: writing them inside the session's transaction (flush, never commit),
naming thousands of them in a statement, and building them with the cycle collector off.

PostgreSQL takes rows with `COPY … FROM STDIN`, other databases with an executemany in
chunks. Ids come from the caller (`reserve_ids`, or a generator's own range).
"""

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

import psycopg
from sqlalchemy import ARRAY, ColumnElement, Table, any_, bindparam, func, insert, select, text
from sqlalchemy.exc import DataError, IntegrityError

from portal.extensions import db

CHUNK = 20_000  # rows per executemany outside PostgreSQL
T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Yield the items `size` at a time (a statement's rows or ids, a job's batch)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def reserve_ids(table: Table, count: int) -> list[int]:
    """Return `count` fresh ids of a table for rows written with explicit ids.

    On PostgreSQL they come from the table's sequence (safe beside other writers); elsewhere
    the caller's transaction must already hold the database's write lock (SQLite: it has
    written), so the next ids are its own.
    """
    if not count:
        return []
    if db.session.connection().dialect.name == "postgresql":
        return sorted(db.session.scalars(text(
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
            "FROM generate_series(1, :count)"), {"count": count}).all())
    first = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(first, first + count))


def among(column: ColumnElement, ids: Iterable[int]) -> ColumnElement[bool]:
    """`column IN ids` for thousands of ids: on PostgreSQL one array parameter (`= ANY`), so
    the statement's text stays the same whatever the count instead of growing by a
    parameter per id, which the driver must then rewrite; elsewhere a plain IN."""
    ids = list(ids)
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, ids, type_=ARRAY(column.type)))
    return column.in_(ids)


def insert_returning_ids(table: Table, rows: list[dict]) -> list[int]:
    """Insert the rows (dicts) with executemany, in chunks; return their new ids in order."""
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    connection = db.session.connection()
    return [new_id for start in range(0, len(rows), CHUNK)
            for new_id in connection.execute(statement, rows[start:start + CHUNK]).scalars()]


def _defaults(table: Table, given: Sequence[str]) -> dict[str, object]:
    """Return a value for every column not given that has a Python-side default."""
    values = {}
    for column in table.columns:
        if column.name in given or column.default is None or column.primary_key:
            continue
        default = column.default
        if default.is_scalar:
            values[column.name] = default.arg
        elif default.is_callable:
            values[column.name] = default.arg(None)
    return values


def copy_rows(table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Write rows (tuples in the columns' order) into a table; return how many.

    Columns left out get their model's Python default, evaluated once per call. JSON values
    go to COPY as text, which the caller gives. A refused row raises IntegrityError (or
    DataError), as an INSERT would.
    """
    extra = _defaults(table, columns)
    names = [*columns, *extra]
    tail = tuple(extra.values())
    connection = db.session.connection()
    written = 0
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
        try:
            with cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(tuple(row) + tail)
                    written += 1
        except psycopg.IntegrityError as exc:
            raise IntegrityError(statement, None, exc) from exc
        except psycopg.DataError as exc:  # a value the column cannot hold (too long)
            raise DataError(statement, None, exc) from exc
        return written
    statement = insert(table)
    batch = []
    for row in rows:
        batch.append(dict(zip(names, tuple(row) + tail, strict=True)))
        if len(batch) >= CHUNK:
            connection.execute(statement, batch)
            written, batch = written + len(batch), []
    if batch:
        connection.execute(statement, batch)
        written += len(batch)
    return written


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold Python's cycle collector off while a bulk job builds many long-lived objects (a
    campaign's recipients, a district's indicators): it would otherwise scan them again and
    again as they pile up, for nothing, since they stay alive until the job ends."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
