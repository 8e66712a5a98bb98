"""Write many rows of one table at once, inside the session's transaction: flush, never commit.

Rows are plain dicts of column values. New rows get their ids from the table's own
sequence (PostgreSQL: `portal.core.bulk`'s ids reserved for the whole batch, then COPY;
elsewhere an `INSERT … RETURNING id` executemany), so an import may run while the portal is in use.
Updates are one `UPDATE … WHERE id` executemany per set of changed columns, deletes one
`DELETE … WHERE id IN (…)` per chunk.
"""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Table, bindparam, delete, select, update

from portal.core.bulk import chunks, copy_rows, insert_returning_ids, reserve_ids
from portal.extensions import db

CHUNK = 5_000  # ids per DELETE … IN, rows per executemany


def _defaults(table: Table) -> dict[str, object]:
    """Return each column's Python-side default (a value or a function of no arguments)."""
    values = {}
    for column in table.columns:
        if column.primary_key or column.default is None:
            continue
        if column.default.is_scalar:
            values[column.name] = column.default.arg
        elif column.default.is_callable:
            values[column.name] = column.default.arg
    return values


def _complete(table: Table, rows: list[dict]) -> list[str]:
    """Fill in every row's missing columns; return the columns written.

    A missing column gets its Python-side default, computed once per row as the ORM would
    (each account its own nonces), or NULL; one with only a server default is left out.
    """
    defaults = _defaults(table)
    names = [column.name for column in table.columns if not column.primary_key and (
        column.name in defaults or column.server_default is None
        or any(column.name in row for row in rows))]
    wanted = set(names)
    for row in rows:
        for name in wanted - row.keys():
            default = defaults.get(name)
            row[name] = default(None) if callable(default) else default
    return names


def insert_rows(table: Table, rows: list[dict]) -> None:
    """Insert the rows and set each one's new id in its dict."""
    if not rows:
        return
    names = _complete(table, rows)
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        for row, new_id in zip(rows, reserve_ids(table, len(rows)), strict=True):
            row["id"] = new_id
        columns = ["id", *names]
        copy_rows(table, columns, ([row[name] for name in columns] for row in rows))
        return
    ids = insert_returning_ids(table, [{name: row[name] for name in names} for row in rows])
    for row, new_id in zip(rows, ids, strict=True):
        row["id"] = new_id


def update_rows(table: Table, changes: dict[int, dict]) -> None:
    """Apply {id: {column: value}}: one executemany per set of columns that changed."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row_id, values in sorted(changes.items()):
        groups[tuple(sorted(values))].append({**values, "_id": row_id})
    connection = db.session.connection()
    for names, rows in groups.items():
        statement = update(table).where(table.c.id == bindparam("_id")).values(
            {name: bindparam(name) for name in names})
        for start in range(0, len(rows), CHUNK):
            connection.execute(statement, rows[start:start + CHUNK])


def delete_rows(table: Table, ids: Iterable[int]) -> None:
    """Delete the rows with these ids."""
    for some in chunks(sorted(ids), CHUNK):
        db.session.execute(delete(table).where(table.c.id.in_(some)))


def load_rows(table: Table, *conditions) -> list[dict]:
    """Return the table's rows (every column) as plain dicts."""
    result = db.session.execute(select(table).where(*conditions))
    names = list(result.keys())
    return [dict(zip(names, row, strict=True)) for row in result]
