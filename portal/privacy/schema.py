"""What the schema says about a person's rows (read from db.metadata, so tables added later
are covered by merge, erasure and export without a change here)."""

from sqlalchemy import Table

from portal.extensions import db


def references_to(table: Table) -> list:
    """Return every (table, column) whose foreign key points at this table's rows."""
    return [(other, fk.parent) for other in db.metadata.sorted_tables
            for fk in other.foreign_keys if fk.column.table is table and other is not table]
