"""Bulk writes for a campaign: ids reserved in one query, rows written with COPY."""

from sqlalchemy import Table, func, select, text

from portal.demo.bulk import copy_rows
from portal.extensions import db

__all__ = ["copy_rows", "reserve_ids"]


def reserve_ids(table: Table, count: int) -> list[int]:
    """Return `count` fresh ids of a table for rows written with explicit ids.

    On PostgreSQL they come from the table's sequence (safe beside other writers); on SQLite
    the transaction already holds the database's write lock, so the next ids are ours.
    """
    if not count:
        return []
    if db.session.connection().dialect.name == "postgresql":
        return list(db.session.scalars(text(
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
            "FROM generate_series(1, :count)"), {"count": count}))
    first = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(first, first + count))
