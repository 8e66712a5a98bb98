"""What an import run knows while it applies a roster: the records by sourcedId and its tally."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from portal.imports.csvfiles import ImportFailed, RowError
from portal.imports.roster_records import Record, Roster
from portal.people.models import (
    AcademicTerm,
    Course,
    District,
    Enrollment,
    Guardian,
    School,
    Section,
    Student,
)


@dataclass
class ImportSummary:
    """How many records of each kind an import created, updated and deactivated."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deactivated: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Return one line per kind of record that changed, then the warnings."""
        kinds = sorted(set(self.created) | set(self.updated) | set(self.deactivated))
        lines = [f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, "
                 f"{self.deactivated[kind]} deactivated" for kind in kinds]
        return (lines or ["Nothing to change."]) + self.warnings

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or +self.deactivated)


def _by_sourced_id(model) -> dict:
    return {item.sourced_id: item for item in db.session.scalars(
        select(model).where(model.sourced_id.is_not(None)))}


def _by_school(model) -> dict:
    return {(item.school_id, item.sourced_id): item for item in db.session.scalars(
        select(model).where(model.sourced_id.is_not(None)))}


@dataclass
class Context:
    """The roster being applied, the stored records it may touch, and what changed."""

    roster: Roster
    progress: Callable[[str, int, int], None]
    summary: ImportSummary = field(default_factory=ImportSummary)
    errors: list[RowError] = field(default_factory=list)
    imported_school_ids: set[int] = field(default_factory=set)
    created_now: set[int] = field(default_factory=set)  # id() of the records this run made

    def __post_init__(self) -> None:
        self.districts = _by_sourced_id(District)
        self.schools = _by_sourced_id(School)
        self.terms = _by_school(AcademicTerm)
        self.courses = _by_school(Course)
        self.sections = _by_sourced_id(Section)
        self.enrollments = _by_sourced_id(Enrollment)
        self.students = _by_sourced_id(Student)
        self.guardians = _by_sourced_id(Guardian)
        self.staff = _by_sourced_id(User)
        self.file_sessions = {session.sourced_id: session for session in self.roster.sessions}
        self.file_courses = {course.sourced_id: course for course in self.roster.courses}

    def save(self, kind: str, item, **values) -> bool:
        """Set the values on a record; count it updated when one changed (and it is not new)."""
        changed = {name: value for name, value in values.items() if getattr(item, name) != value}
        for name, value in changed.items():
            setattr(item, name, value)
        if changed and id(item) not in self.created_now:
            self.summary.updated[kind] += 1
        return bool(changed)

    def create(self, kind: str, model, **values):
        """Add a new record and count it created."""
        item = model(**values)
        db.session.add(item)
        self.created_now.add(id(item))
        self.summary.created[kind] += 1
        return item

    def upsert(self, kind: str, model, cache: dict, key, **values):
        """Update the cached record under key, or create it (with sourced_id) and cache it."""
        item = cache.get(key)
        if item is not None:
            self.save(kind, item, **values)
            return item
        sourced_id = key[1] if isinstance(key, tuple) else key
        cache[key] = self.create(kind, model, sourced_id=sourced_id, **values)
        return cache[key]

    def deactivate(self, kind: str, item, attribute: str = "is_active") -> None:
        """Mark a record inactive (history stays); count it if it was active."""
        if getattr(item, attribute):
            setattr(item, attribute, False)
            self.summary.deactivated[kind] += 1

    def unknown(self, record: Record, column: str, value: str, target: str) -> None:
        """Record a reference that names nothing in the set or the database."""
        self.errors.append(RowError(record.row.file, record.row.line, column, value,
                                    f"names no record of {target}.csv or the database"))

    def fail_if_errors(self) -> None:
        if self.errors:
            raise ImportFailed(self.errors)
