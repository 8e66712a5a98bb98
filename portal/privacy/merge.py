"""Merge two records of the same person: every row pointing at the duplicate moves to the
survivor (found from the schema, so new tables are covered), then the duplicate is retired."""

from flask_babel import gettext as _
from sqlalchemy import Table, UniqueConstraint, and_, delete, exists, select, update

from portal.auth.models import User
from portal.core.errors import DomainError
from portal.core.signals import record_changed
from portal.core.time import utcnow
from portal.events.booking_releases import release_merge_clashes, release_unbookable
from portal.extensions import db
from portal.people.models import Guardian, Student
from portal.privacy.schema import references_to


def _unique_sets(table: Table, column) -> list[list]:
    """Return, for each unique rule holding this column, the other columns of the rule."""
    rules = [list(rule.columns) for rule in table.constraints
             if isinstance(rule, UniqueConstraint)]
    rules += [list(index.columns) for index in table.indexes if index.unique]
    if column.unique:
        rules.append([column])
    return [[other for other in rule if other is not column] for rule in rules
            if any(member is column for member in rule)]


def _drop_clashes(table: Table, column, *, loser_id: int, survivor_id: int) -> int:
    """Delete the loser's rows that the survivor already has (the same link on both)."""
    dropped = 0
    for others in _unique_sets(table, column):
        twin = table.alias()
        same = and_(twin.c[column.name] == survivor_id,
                    *(twin.c[other.name] == other for other in others))
        dropped += db.session.execute(delete(table).where(
            column == loser_id, exists(select(twin.c[column.name]).where(same)))).rowcount
    return dropped


def movereferences_to(model, *, loser_id: int, survivor_id: int) -> dict[str, int]:
    """Point every row that refers to the loser at the survivor; return moved rows per table."""
    moved = {}
    for table, column in references_to(model.__table__):
        if table.info.get("derived"):
            continue  # totals kept by triggers: they follow the rows moved here
        _drop_clashes(table, column, loser_id=loser_id, survivor_id=survivor_id)
        count = db.session.execute(update(table).where(column == loser_id)
                                   .values({column.name: survivor_id})).rowcount
        if count:
            moved[f"{table.name}.{column.name}"] = count
    return moved


def _move_account(*, loser: Guardian, survivor: Guardian) -> None:
    """Give the survivor the loser's portal account if it has none; otherwise close it."""
    account = loser.user
    loser.user_id = None
    db.session.flush()
    if account is None:
        return
    if survivor.user_id is None:
        survivor.user_id = account.id
    else:
        account.is_active_account = False
        account.end_sessions()


def merge_people(*, survivor: Student | Guardian, loser: Student | Guardian,
                 actor: User) -> dict[str, int]:
    """Move the loser's whole history onto the survivor and deactivate the loser."""
    if type(survivor) is not type(loser) or survivor.id == loser.id:
        raise DomainError(_("Choose two different records of the same kind to merge."))
    if survivor.school_id != loser.school_id:
        raise DomainError(_("Only records of the same school can be merged."))
    if survivor.erased_at is not None or loser.erased_at is not None:
        # An erased history moved onto a named record would name it again.
        raise DomainError(_("An erased record cannot be merged."))
    if isinstance(loser, Guardian):
        _move_account(loser=loser, survivor=survivor)
    db.session.flush()
    # A child's future bookings move with them (the family keeps the appointment), unless the
    # kept record may not have one: then the slot is given back and the family told.
    bookings = release_merge_clashes(actor=actor, loser_id=loser.id, survivor_id=survivor.id) \
        if isinstance(loser, Student) else []
    moved = movereferences_to(type(loser), loser_id=loser.id, survivor_id=survivor.id)
    loser.is_active = False
    loser.inactive_since = utcnow().date()
    loser.inactive_reason = _("Merged into #%(id)s", id=survivor.id)
    db.session.flush()
    db.session.expire_all()
    if bookings:
        release_unbookable(actor=actor, student=survivor, slot_ids=bookings)
    kind = "student" if isinstance(survivor, Student) else "guardian"
    record_changed.send(actor, action="merge", object_type=kind, object_id=survivor.id,
                        student_id=survivor.id if kind == "student" else None,
                        school_id=survivor.school_id,
                        changes={"merged_id": [loser.id, survivor.id], "moved": moved})
    return moved
