"""Erasure on request (and after the retention period): anonymise a person everywhere.

Rows stay, so counts, attendance and grades still add up on the dashboards; what names or
reaches the person goes: names, contacts, birth date, the free text of their records, their
portal account's credentials, and every remaining mention of their name, email or phone in
any text column of any table (found from the schema, so new tables are covered).
"""

import json
import re

from sqlalchemy import JSON, String, Table, Text, cast, false, func, or_, select, update

from portal.auth.models import User
from portal.core.signals import record_changed
from portal.core.time import utcnow
from portal.events.models import CalendarFeed
from portal.extensions import db
from portal.interactions.models import Interaction, InteractionParticipant
from portal.messaging.models import Delivery
from portal.messaging.outbox import cancel_waiting
from portal.people.models import Guardian, Student
from portal.privacy.schema import references_to

MASK = "[erased]"


def _blank_text(table: Table, condition, depth: int = 0) -> None:
    """Blank the free-text columns of the rows matching condition and of rows under them."""
    texts = {column.name: (None if column.nullable else "")
             for column in table.columns if isinstance(column.type, Text)}
    if texts:
        db.session.execute(update(table).where(condition).values(texts))
    if depth >= 2 or len(table.primary_key.columns) != 1:
        return
    key = next(iter(table.primary_key.columns))
    for child, column in references_to(table):
        _blank_text(child, column.in_(select(key).where(condition)), depth + 1)


def _blank_records_of(table: Table, row_id: int) -> None:
    for child, column in references_to(table):
        _blank_text(child, column == row_id)


def _scrub_value(value, pattern: re.Pattern):
    if isinstance(value, str):
        return pattern.sub(MASK, value)
    return json.loads(pattern.sub(MASK, json.dumps(value, ensure_ascii=False)))


def _searched_columns(table: Table) -> list:
    """The columns of a table a mention could be in: text and JSON, not its key and not the
    codes the portal writes (CODE: a status column of millions of daily rows)."""
    keys = set(table.primary_key.columns)
    return [column for column in table.columns
            if isinstance(column.type, String | JSON) and column not in keys
            and not column.info.get("code")]


def scrub_mentions(needles: set[str]) -> None:
    """Replace every mention of these strings (case-insensitive) in every text column: one
    search of each table, then the changed columns of the rows it found."""
    needles = {needle.strip() for needle in needles if needle and len(needle.strip()) >= 3}
    if not needles:
        return
    pattern = re.compile("|".join(re.escape(needle) for needle in
                                  sorted(needles, key=len, reverse=True)), re.IGNORECASE)
    for table in db.metadata.sorted_tables:
        columns = _searched_columns(table)
        if not columns:
            continue
        keys = list(table.primary_key.columns)
        texts = [func.lower(cast(column, Text) if isinstance(column.type, JSON) else column)
                 for column in columns]
        hits = db.session.execute(select(*keys, *columns).where(or_(
            *(text.contains(needle.lower(), autoescape=True)
              for text in texts for needle in needles))))
        for row in hits.all():
            changed = {}
            for column, value in zip(columns, row[len(keys):], strict=True):
                scrubbed = _scrub_value(value, pattern)
                if scrubbed != value:
                    changed[column.name] = scrubbed
            if changed:
                db.session.execute(update(table).where(
                    *(key == row[i] for i, key in enumerate(keys))).values(changed))


def _close_account(user: User | None) -> set[str]:
    if user is None:
        return set()
    traces = {user.email, user.full_name}
    _blank_records_of(User.__table__, user.id)
    user.email = f"erased-{user.id}@erased.invalid"
    user.full_name = f"Erased user #{user.id}"
    user.password_hash = None
    user.is_active_account = False
    user.end_sessions()
    user.link_nonce = user.session_stamp
    return traces


def _retire(person: Student | Guardian, reason: str) -> None:
    person.is_active = False
    person.inactive_since = person.inactive_since or utcnow().date()
    person.inactive_reason = reason
    person.erased_at = utcnow()


def _name_forms(first: str, last: str, *others: str | None) -> set[str]:
    forms = {f"{first} {last}", f"{last} {first}", f"{last}, {first}"}
    return forms | {f"{other} {last}" for other in others if other}


def erase_student(*, student: Student, actor: User | None, reason: str) -> None:
    """Anonymise a student everywhere, keeping their rows for the school's statistics."""
    traces = _name_forms(student.first_name, student.last_name, student.preferred_name)
    traces.add(student.external_id or "")
    _blank_records_of(Student.__table__, student.id)
    student.first_name, student.last_name = "Erased student", f"#{student.id}"
    student.preferred_name = student.date_of_birth = student.external_id = None
    student.refresh_search_name()
    _retire(student, reason)
    db.session.flush()
    scrub_mentions(traces)
    record_changed.send(actor, action="erase", object_type="student", object_id=student.id,
                        student_id=student.id, school_id=student.school_id)


def erase_guardian(*, guardian: Guardian, actor: User | None, reason: str) -> None:
    """Anonymise a guardian everywhere: names, contacts, what they wrote, their account;
    what still waits to be sent to them (messages, account emails) is cancelled."""
    cancel_waiting(or_(Delivery.guardian_id == guardian.id,
                       Delivery.user_id == guardian.user_id if guardian.user_id else false()))
    traces = _name_forms(guardian.first_name, guardian.last_name)
    traces |= {guardian.email or "", guardian.phone or ""}
    _blank_records_of(Guardian.__table__, guardian.id)
    _blank_text(Interaction.__table__, Interaction.id.in_(
        select(InteractionParticipant.interaction_id).where(
            InteractionParticipant.guardian_id == guardian.id)))
    traces |= _close_account(guardian.user)
    db.session.execute(CalendarFeed.__table__.delete().where(
        CalendarFeed.guardian_id == guardian.id))
    guardian.first_name, guardian.last_name = "Erased guardian", f"#{guardian.id}"
    guardian.email = guardian.phone = guardian.timezone = guardian.email_invalid_reason = None
    guardian.refresh_search_name()
    _retire(guardian, reason)
    db.session.flush()
    scrub_mentions(traces)
    record_changed.send(actor, action="erase", object_type="guardian", object_id=guardian.id,
                        school_id=guardian.school_id)
