"""Import use cases: read, check and apply a OneRoster set; flush, never commit."""

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.imports.csvfiles import ImportFailed, RowError, read_source
from portal.imports.oneroster import parse_roster
from portal.imports.roster_apply import apply_roster
from portal.imports.roster_context import ImportSummary


def import_oneroster(*, path: Path,
                     progress: Callable[[str, int, int], None] | None = None,
                     allowed_school_ids: set[int] | None = None,
                     district_id: int | None = None) -> ImportSummary:
    """Apply the OneRoster set at path (a folder or a zip); raise ImportFailed if it is wrong.

    The caller commits, or rolls back for a dry run: the summary is what would change.
    With allowed_school_ids (a school's administrator), a set with other schools is refused;
    with district_id too (a district's administrator), one with other districts' schools.
    """
    roster = parse_roster(read_source(Path(path)))
    try:
        return apply_roster(roster, progress=progress, allowed_school_ids=allowed_school_ids,
                            district_id=district_id)
    except IntegrityError as exc:
        db.session.rollback()
        raise ImportFailed([RowError(Path(path).name, 0, "", "",
                                     f"the database refused the data: {exc.orig}")]) from exc


def refresh_statistics(*, vacuum: bool = False) -> None:
    """Refresh the query planner's statistics after a bulk load (ANALYZE, SQLite too).

    With `vacuum` (after millions of new rows: a generated district, a migration's backfill),
    PostgreSQL also marks the new rows' pages all-visible (VACUUM), so its index-only scans
    need not visit the table until autovacuum would have come round: before it, a school's
    weekly totals were read by scanning the whole district's (docs/performance.md).
    """
    db.session.commit()
    if vacuum and db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM (ANALYZE)")
        return
    db.session.execute(text("ANALYZE"))
    db.session.commit()
