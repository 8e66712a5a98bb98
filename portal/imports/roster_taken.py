"""Refuse a value a roster gives that another record keeps: a student number, an email.

A value the run moves between records it writes (two students swapping their numbers, two
teachers their emails) is fine: the context writes the moved values emptied first
(roster_context.RENUMBERED). A value kept by a record the run leaves as it is (a student who
left, an account the file does not list), or given on two rows, is named on the row that
gives it, instead of the database refusing the whole import.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import Table

from portal.auth.models import Role, User
from portal.core.bulk import among
from portal.imports.bulk import load_rows
from portal.imports.roster_context import RENUMBERED, Context
from portal.imports.roster_records import Record
from portal.people.models import Student


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


@dataclass(frozen=True)
class Unique:
    """A unique value a roster gives (its key: RENUMBERED) and how its holder is named."""

    table: Table
    what: str
    holder: Callable[[dict], str]


STUDENT_NUMBER = Unique(Student.__table__, "their student number", _student)
EMAIL = Unique(User.__table__, "their email", _account)


def refuse_taken(ctx: Context, unique: Unique, given: list[tuple[Record, str, dict]],
                 loaded: Iterable[dict]) -> None:
    """Name each row giving a record a value another record has once the run is written.

    given: (the roster record, its column, the record it writes) for every record the run
    writes; loaded: the stored records of the table the run holds, as it leaves them.
    """
    *scope, column = RENUMBERED[unique.table.name]
    values = {item[column] for _, _, item in given if item[column] is not None}
    if not values:
        return

    def key(item: dict) -> tuple:
        return tuple(item[name] for name in (*scope, column))

    written = {id(item) for _, _, item in given}
    loaded = {item["id"]: item for item in loaded if item["id"] is not None}
    holders = {}
    for row in load_rows(unique.table, among(unique.table.c[column], values)):
        item = loaded.get(row["id"], row)
        if id(item) not in written:
            holders.setdefault(key(item), unique.holder(item))
    for record, cell, item in sorted(given, key=lambda given: given[0].row.line):
        if item[column] is None:
            continue
        if key(item) in holders:
            ctx.errors.append(record.row.error(
                cell, f"is held by {holders[key(item)]} as {unique.what}"))
        holders.setdefault(key(item), f"{unique.holder(item)} (line {record.row.line})")
