"""Import use cases: read, check and apply a OneRoster set; flush, never commit."""

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import DataError, IntegrityError

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
    except (DataError, IntegrityError) as exc:
        db.session.rollback()
        raise ImportFailed([RowError(Path(path).name, 0, "", "",
                                     f"the database refused the data: {exc.orig}")]) from exc
