"""The query planner: its view of tables just written in bulk (statistics and visibility),
and how it runs the portal's statements."""

from sqlalchemy import Engine, Table, event, text

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
    names = [f'"{table.name}"' for table in tables]
    if vacuum and db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f"VACUUM (ANALYZE) {', '.join(names)}".strip())
        return
    for name in names or [""]:  # one at a time: SQLite's ANALYZE takes one table
        db.session.execute(text(f"ANALYZE {name}".strip()))
    db.session.commit()


def plan_without_jit(engine: Engine) -> None:
    """Have PostgreSQL run this engine's statements without JIT compiling them.

    The portal's statements run once per page or per nightly pass; compiling them cost more
    than it saved on a district's views (a district-wide student list 0.79 s without it
    against 0.93 s with it, the recompute's full floor seconds of compiling:
    docs/performance.md).
    """
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _jit_off)


def _jit_off(dbapi_connection, _record) -> None:
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True  # a SET of the session, outside any transaction
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.autocommit = autocommit
