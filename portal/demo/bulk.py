"""Ids for the district generator's bulk loads (portal.core.bulk.copy_rows writes the rows).

The generator hands out ids itself (IdRange), so millions of rows need no RETURNING round
trips; afterwards the tables' sequences are moved past them.
"""

from collections.abc import Iterable

from sqlalchemy import Table, func, select, text

from portal.extensions import db


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
              "interactions", "event_invitations", "event_attendances", "messages")

    def __init__(self) -> None:
        # All up front: a COPY in progress holds the connection, so no lookup may run then.
        super().__init__({name: IdRange(db.Model.metadata.tables[name])
                          for name in self.TABLES})


def move_sequences_past(tables: Iterable[Table]) -> None:
    """Set PostgreSQL's id sequences after the ids the generator handed out itself."""
    if db.session.connection().dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
