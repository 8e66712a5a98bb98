"""The query planner's view of tables just written in bulk: statistics and visibility."""

from sqlalchemy import Table, text

from portal.extensions import db


def refresh_statistics(*tables: Table, vacuum: bool = False) -> None:
    """Refresh the query planner's statistics after a bulk write (ANALYZE, SQLite too), of
    these tables or, given none, of the whole database; commits first.

    With `vacuum` (after many new rows: a generated district, a migration's backfill, a
    district's nightly risk assessments), PostgreSQL also marks the new rows' pages
    all-visible (VACUUM), so its index-only scans need not visit the table until autovacuum
    would have come round: before it, a school's weekly totals were read by scanning the
    whole district's, and its newest risk levels by scanning every assessment
    (docs/performance.md).
    """
    db.session.commit()
    names = ", ".join(f'"{table.name}"' for table in tables)
    if vacuum and db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f"VACUUM (ANALYZE) {names}".strip())
        return
    db.session.execute(text(f"ANALYZE {names}".strip()))
    db.session.commit()
