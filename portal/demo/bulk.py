"""Bulk loading for the district generator: COPY on PostgreSQL, executemany elsewhere.

Rows are tuples in the order of the columns named, with ids handed out by the generator
itself (IdRange), so millions of rows need no RETURNING round trips. Columns left out
get their model's Python default, evaluated once per load (timestamps, flags).
"""

from collections.abc import Iterable, Sequence

from sqlalchemy import Table, func, insert, select, text

from portal.extensions import db

CHUNK = 20_000  # rows per executemany on SQLite


class IdRange:
    """Hand out the next free ids of one table (the generator is the only writer)."""

    def __init__(self, table: Table) -> None:
        self.next_id = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1

    def take(self) -> int:
        """Return a fresh id."""
        taken, self.next_id = self.next_id, self.next_id + 1
        return taken


class TableIds(dict):
    """The IdRange of every table the generator fills in bulk, by table name."""

    TABLES = ("students", "guardians", "student_guardians", "enrollments", "daily_attendance",
              "grades", "work_marks", "behaviour_incidents", "program_enrollments",
              "interactions", "event_invitations")

    def __init__(self) -> None:
        # All up front: a COPY in progress holds the connection, so no lookup may run then.
        super().__init__({name: IdRange(db.Model.metadata.tables[name])
                          for name in self.TABLES})


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
    """Write rows into a table in bulk inside the session's transaction; return how many."""
    extra = _defaults(table, columns)
    names = [*columns, *extra]
    tail = tuple(extra.values())
    connection = db.session.connection()
    written = 0
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row + tail)
                written += 1
        return written
    statement = insert(table)
    batch = []
    for row in rows:
        batch.append(dict(zip(names, row + tail, strict=True)))
        if len(batch) >= CHUNK:
            connection.execute(statement, batch)
            written, batch = written + len(batch), []
    if batch:
        connection.execute(statement, batch)
        written += len(batch)
    return written


def move_sequences_past(tables: Iterable[Table]) -> None:
    """Set PostgreSQL's id sequences after the ids the generator handed out itself."""
    if db.session.connection().dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
