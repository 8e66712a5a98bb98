"""What an import run knows while it applies a roster: the records by sourcedId and its tally.

The stored records are loaded once, as plain dicts of column values (`bulk.load_rows`), and
every change is kept here and written per table in bulk (`write`): the run asks the
database nothing per row. A record this run creates has no id until its table is written.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from sqlalchemy import Table, select

from portal.auth.models import User
from portal.core.bulk import chunks
from portal.core.time import utcnow
from portal.core.urls import MAX_INTEGER
from portal.extensions import db
from portal.imports.bulk import CHUNK, delete_rows, insert_rows, load_rows, update_rows
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
    StudentGuardian,
)

# The table behind each kind of record the summary counts.
TABLES: dict[str, Table] = {
    "districts": District.__table__, "schools": School.__table__,
    "terms": AcademicTerm.__table__, "courses": Course.__table__,
    "sections": Section.__table__, "enrollments": Enrollment.__table__,
    "students": Student.__table__, "guardians": Guardian.__table__,
    "guardian links": StudentGuardian.__table__, "staff": User.__table__,
    "guardian accounts": User.__table__,
}


# Unique keys whose values a roster may move between records in one run (two students
# swapping their numbers, two teachers their emails, a course taking the code another
# leaves): the scope columns, then the value. A row whose key changes has its value emptied
# first, so the unique index never sees one twice; a value kept by a record the run leaves
# alone is refused before (roster_taken), a course code chosen free (roster_apply).
RENUMBERED: dict[str, tuple[str, ...]] = {"students": ("school_id", "external_id"),
                                          "users": ("email",), "courses": ("school_id", "code")}


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


@dataclass
class TableChanges:
    """What is still to be written to one table: new rows, changed columns by id, deletions."""

    new: dict[int, dict] = field(default_factory=dict)  # id() of the record → the record
    changed: dict[int, dict] = field(default_factory=lambda: defaultdict(dict))
    deleted: set[int] = field(default_factory=set)


def _emptied(table: Table, changed: dict[int, dict]) -> dict[int, dict]:
    """The RENUMBERED value of each row these changes give a new one, emptied: NULL, or where
    the column needs a value one nobody writes (emails and codes are stored stripped)."""
    if table.name not in RENUMBERED:
        return {}
    column = table.c[RENUMBERED[table.name][-1]]
    return {row_id: {column.name: None if column.nullable else f" moving {row_id}"}
            for row_id, values in changed.items() if column.name in values}


def search_names(model, values: dict) -> dict:
    """Return the folded search and sort names the model would store for these values."""
    holder = SimpleNamespace(**values)
    model.refresh_search_name(holder)
    return {"search_name": holder.search_name, "sort_name": holder.sort_name}


def _keyed(rows: list[dict], kind: str, named: set[str]) -> list[tuple[str, dict]]:
    """Rows with their sourcedId: the stored one, or for a record typed in by hand the one
    the portal's own export gives it (`portal-<kind>-<id>`, export.sourced_id) when the
    roster names it. A set exported and imported again then updates the records it came
    from instead of adding each of them again; hand-made records it does not name stay
    apart."""
    keyed = ((row["sourced_id"] or f"portal-{kind}-{row['id']}", row) for row in rows)
    return [(key, row) for key, row in keyed if row["sourced_id"] or key in named]


def by_key(rows: list[dict], kind: str, named: set[str]) -> dict:
    """_keyed's rows by sourcedId."""
    return dict(_keyed(rows, kind, named))


def _stored(table: Table, kind: str, named: set[str]) -> list[tuple[str, dict]]:
    """_keyed over the table, reading only the rows with a sourcedId or named by the roster
    (the portal's own export of a district names tens of thousands: read CHUNK at a time,
    within every database's limit of parameters a statement)."""
    numbers = (key.rsplit("-", 1)[1] for key in named if key.startswith(f"portal-{kind}-"))
    ids = sorted({int(number) for number in numbers
                  if number.isdecimal() and 0 < int(number) <= MAX_INTEGER})
    rows = load_rows(table, table.c.sourced_id.is_not(None))
    for some in chunks(ids, CHUNK):
        rows += load_rows(table, table.c.sourced_id.is_(None), table.c.id.in_(some))
    return _keyed(rows, kind, named)


def _by_sourced_id(table: Table, kind: str, named: set[str]) -> dict:
    return dict(_stored(table, kind, named))


def _not_erased(table: Table, kind: str, named: set[str]) -> tuple[dict, set[str]]:
    """The people of a table by sourcedId, and apart the sourcedIds of those erased at the
    school's request: the roster may still list them, but nothing of theirs is written again."""
    people = _by_sourced_id(table, kind, named)
    erased = {sourced_id for sourced_id, person in people.items() if person["erased_at"]}
    return {key: person for key, person in people.items() if key not in erased}, erased


def _by_school(table: Table, kind: str, named: set[str]) -> dict:
    return {(row["school_id"], key): row for key, row in _stored(table, kind, named)}


@dataclass
class Context:
    """The roster being applied, the stored records it may touch, and what changed."""

    roster: Roster
    progress: Callable[[str, int, int], None]
    summary: ImportSummary = field(default_factory=ImportSummary)
    errors: list[RowError] = field(default_factory=list)
    imported_school_ids: set[int] = field(default_factory=set)
    created_now: set[int] = field(default_factory=set)  # id() of the records this run made
    courses_done: set[tuple] = field(default_factory=set)  # (school id, sourcedId) upserted
    pending: dict[str, TableChanges] = field(default_factory=lambda: defaultdict(TableChanges))

    def __post_init__(self) -> None:
        named = self.roster.sourced_ids()
        self.districts = _by_sourced_id(District.__table__, "district", named)
        self.schools = _by_sourced_id(School.__table__, "school", named)
        self.terms = _by_school(AcademicTerm.__table__, "term", named)
        courses = load_rows(Course.__table__)
        self.courses = {(course["school_id"], key): course
                        for key, course in _keyed(courses, "course", named)}
        self.course_codes = {(c["school_id"], c["code"]): c for c in courses}
        sections = load_rows(Section.__table__)
        self.sections = by_key(sections, "section", named)
        self.section_courses = {s["id"]: s["course_id"] for s in sections}
        self.students, erased_students = _not_erased(Student.__table__, "student", named)
        self.guardians, erased_guardians = _not_erased(Guardian.__table__, "guardian", named)
        self.erased = erased_students | erased_guardians
        self.erased_listed: set[str] = set()  # erased people the roster still lists
        self.left_student_ids: set[int] = set()  # stored students this run marks inactive
        # stored links this run ends; (guardian, None): all of a guardian it marks inactive
        self.ended_links: set[tuple[int, int | None]] = set()
        accounts = load_rows(User.__table__)
        self.staff = by_key(accounts, "user", named)
        self.accounts = {user["email"]: user for user in accounts}
        # An erased person's seats and links stay as the erasure left them, like the rest
        # of theirs: the run does not see them (only their seats' sourcedIds, taken).
        erased_students, erased_guardians = (
            set(db.session.scalars(select(model.id).where(model.erased_at.is_not(None))))
            for model in (Student, Guardian))
        seats = load_rows(Enrollment.__table__)
        self.erased_seats = {seat["sourced_id"] for seat in seats
                             if seat["student_id"] in erased_students and seat["sourced_id"]}
        seats = [seat for seat in seats if seat["student_id"] not in erased_students]
        self.enrollments = by_key(seats, "enrollment", named)
        self.seats = {(seat["section_id"], seat["student_id"]): seat for seat in seats}
        self.links = {(link["student_id"], link["guardian_id"]): link
                      for link in load_rows(StudentGuardian.__table__)
                      if link["student_id"] not in erased_students
                      and link["guardian_id"] not in erased_guardians}
        self.file_sessions = {session.sourced_id: session for session in self.roster.sessions}
        self.file_courses = {course.sourced_id: course for course in self.roster.courses}

    def _set(self, kind: str, item: dict, values: dict) -> dict:
        changed = {name: value for name, value in values.items()
                   if name not in item or item[name] != value}
        item.update(changed)
        if changed.get("is_active") is False and item.get("id"):
            if kind == "students":
                self.left_student_ids.add(item["id"])
            elif kind == "guardian links":
                self.ended_links.add((item["guardian_id"], item["student_id"]))
            elif kind == "guardians":
                self.ended_links.add((item["id"], None))
        if changed and item.get("id") is not None:
            *scope, value = RENUMBERED.get(TABLES[kind].name, ("",))
            moved = {value: item[value]} if changed.keys() & set(scope) else {}
            self.pending[TABLES[kind].name].changed[item["id"]].update(changed, **moved)
        return changed

    def save(self, kind: str, item: dict, **values) -> bool:
        """Set the values on a record; count it updated when one changed (and it is not new)."""
        changed = self._set(kind, item, values)
        if changed and id(item) not in self.created_now:
            self.summary.updated[kind] += 1
        return bool(changed)

    def set_quietly(self, kind: str, item: dict, **values) -> None:
        """Set values that follow from others (search names, an account's id); not counted."""
        self._set(kind, item, values)

    def create(self, kind: str, **values) -> dict:
        """Add a new record (written with its table) and count it created."""
        item = {"id": None, **values}
        self.pending[TABLES[kind].name].new[id(item)] = item
        self.created_now.add(id(item))
        self.summary.created[kind] += 1
        return item

    def upsert(self, kind: str, cache: dict, key, **values) -> dict:
        """Update the cached record under key, or create it (with sourced_id) and cache it."""
        item = cache.get(key)
        if item is not None:
            self.save(kind, item, **values)
            return item
        sourced_id = key[1] if isinstance(key, tuple) else key
        cache[key] = self.create(kind, sourced_id=sourced_id, **values)
        return cache[key]

    # A person or link the roster no longer lists is inactive from today, as one an
    # administrator marks so by hand: the retention rule counts its years from then.
    LEFT = ("students", "guardians", "guardian links")
    ACTIVE_AGAIN = {"inactive_since": None, "inactive_reason": None}

    def deactivate(self, kind: str, item: dict, attribute: str = "is_active") -> None:
        """Mark a record inactive (history stays); count it if it was active."""
        if item.get(attribute, True):  # a record this run made is active unless told
            since = ({"inactive_since": utcnow().date(), "inactive_reason": "Left the roster "
                      "(OneRoster import)"} if kind in self.LEFT else {})
            self._set(kind, item, {attribute: False, **since})
            self.summary.deactivated[kind] += 1

    def delete(self, kind: str, item: dict) -> None:
        """Delete a record (one this run made is simply not written)."""
        changes = self.pending[TABLES[kind].name]
        if changes.new.pop(id(item), None) is None:
            changes.deleted.add(item["id"])
            changes.changed.pop(item["id"], None)

    def write(self, *kinds: str) -> None:
        """Write the pending changes of these kinds' tables: deletions, updates, then new rows."""
        for table in dict.fromkeys(TABLES[kind] for kind in kinds):
            changes = self.pending.pop(table.name, None)
            if changes is None:
                continue
            delete_rows(table, changes.deleted)
            update_rows(table, _emptied(table, changes.changed))
            update_rows(table, changes.changed)
            insert_rows(table, list(changes.new.values()))

    def section_schools(self) -> dict[int, int]:
        """The school id of each stored class (section), by its id."""
        schools = {course["id"]: course["school_id"] for course in self.course_codes.values()}
        return {section_id: schools[course_id]
                for section_id, course_id in self.section_courses.items() if course_id in schools}

    def imported_section_ids(self) -> set[int]:
        """The ids of the stored classes of the schools whose orgs this set imports."""
        return {section_id for section_id, school_id in self.section_schools().items()
                if school_id in self.imported_school_ids}

    def is_erased(self, sourced_id: str) -> bool:
        """Whether this is someone erased at the school's request (noted for the summary)."""
        if sourced_id not in self.erased:
            return False
        self.erased_listed.add(sourced_id)
        return True

    def note_erased(self) -> None:
        """Warn of the erased people the roster still lists (their records were left alone)."""
        if self.erased_listed:
            self.summary.warnings.append(
                f"{len(self.erased_listed)} people the roster lists were erased at the "
                f"school's request ({', '.join(sorted(self.erased_listed)[:10])}): their "
                "records were left as the erasure left them; remove them from the roster.")

    def unknown(self, record: Record, column: str, value: str, target: str) -> None:
        """Record a reference that names nothing in the set or the database."""
        self.errors.append(RowError(record.row.file, record.row.line, column, value,
                                    f"names no record of {target}.csv or the database"))

    def fail_if_errors(self) -> None:
        if self.errors:
            raise ImportFailed(self.errors)
