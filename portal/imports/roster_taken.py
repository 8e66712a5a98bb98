"""Refuse a key a roster gives that another record keeps: a student number, an email, a
student's place in a class.

A value the run moves between records it writes (two students swapping their numbers, two
teachers their emails) is fine: the context writes the moved values emptied first
(roster_context.RENUMBERED). A key kept by a record the run leaves as it is (a student who
left, an account the file does not list, a seat a delta does not end), or given on two
rows, is named on the row that gives it, instead of the database refusing the whole import.
A seat is not written emptied first: a place another seat leaves in the same run is taken
only by a new seat (written after every change).
"""

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import Table

from portal.auth.models import Role, User
from portal.core.bulk import among
from portal.imports.bulk import CHUNK, load_rows
from portal.imports.roster_context import RENUMBERED, Context
from portal.imports.roster_records import Record
from portal.people.models import Enrollment, Student


def _student(student: dict) -> str:
    """A student as the school knows them, and when they left if they did."""
    name = f"{student['preferred_name'] or student['first_name']} {student['last_name']}"
    if student["is_active"]:
        return name
    return f"{name} (left {student['inactive_since'] or 'the school'})"


def _account(account: dict) -> str:
    """An account's holder, and what kind of account it is."""
    details = ["family account" if account["role"] == Role.GUARDIAN else "staff account",
               account["sourced_id"], None if account["is_active_account"] else "deactivated"]
    return f"{account['full_name']} ({', '.join(filter(None, details))})"


def _seat(seat: dict) -> str:
    """A seat by its enrollment."""
    return f"enrollment {seat['sourced_id'] or 'typed in by hand'}"


@dataclass(frozen=True)
class Unique:
    """A unique key a roster gives (its scope columns, then its value), the reason a row that
    gives one another record holds is refused, and how that holder is named."""

    table: Table
    key: tuple[str, ...]
    reason: str
    holder: Callable[[dict], str]

    @property
    def movable(self) -> bool:
        """Whether the run writes moved values emptied first (else one moving away is kept)."""
        return RENUMBERED.get(self.table.name) == self.key


STUDENT_NUMBER = Unique(Student.__table__, RENUMBERED["students"],
                        "is held by {holder} as their student number", _student)
EMAIL = Unique(User.__table__, RENUMBERED["users"], "is held by {holder} as their email",
               _account)
SEAT = Unique(Enrollment.__table__, ("section_id", "student_id"),
              "has a place in class {record.class_id} already, under {holder}", _seat)


def _stored(unique: Unique, values: set) -> list[dict]:
    """The table's rows holding one of these values, as stored (a chunk of them at a time)."""
    column, values = unique.table.c[unique.key[-1]], sorted(values)
    return [row for start in range(0, len(values), CHUNK)
            for row in load_rows(unique.table, among(column, values[start:start + CHUNK]))]


def refuse_taken(ctx: Context, unique: Unique, given: list[tuple[Record, str, dict]],
                 loaded: Iterable[dict], gone: Collection[int] = ()) -> int:
    """Name each row giving a record a key another record holds when the run is written;
    return how many were named (the caller stops then: the database would refuse the rest).

    given: (the roster record, its column, the record it writes) for every record the run
    writes; loaded: the table's stored records the run holds; gone: the ids it deletes.
    """
    values = {item[unique.key[-1]] for _, _, item in given} - {None}
    known_errors = len(ctx.errors)

    def key(item: dict) -> tuple:
        return tuple(item[name] for name in unique.key)

    written = {id(item) for _, _, item in given}
    loaded = {item["id"]: item for item in loaded if item["id"] is not None}
    holders = {}  # key → (the record holding it, its name, whether it moves away)
    for row in _stored(unique, values):
        item = loaded.get(row["id"], row)
        moving = id(item) in written and key(item) != key(row)
        if row["id"] not in gone and ((moving and not unique.movable) or id(item) not in written):
            holders.setdefault(key(row), (id(item), unique.holder(row), moving))
    for record, cell, item in sorted(given, key=lambda given: given[0].row.line):
        if item[unique.key[-1]] is None:
            continue
        holder = holders.get(key(item))
        # New records are written after every change: one moving away has left by then.
        if holder is None or (holder[2] and item["id"] is None):
            holders[key(item)] = (id(item), f"{unique.holder(item)} (line {record.row.line})",
                                  False)
        elif holder[0] != id(item):
            ctx.errors.append(record.row.error(cell, unique.reason.format(holder=holder[1],
                                                                          record=record)))
    return len(ctx.errors) - known_errors
