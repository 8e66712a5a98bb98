""""Download my family's data": everything the guardian may see, as JSON and CSV in a zip."""

import io
import json
import zipfile
from datetime import date, datetime

from sqlalchemy import or_, select

from portal.auth.models import User
from portal.core.permissions import guardian_child_ids, visible_records
from portal.core.time import utcnow
from portal.events.models import ConferenceSlot, Event, EventInvitation
from portal.extensions import db
from portal.family import account_queries, queries
from portal.interactions.models import Interaction
from portal.messaging.models import Message, NotificationPreference
from portal.needs.models import FeedbackReply
from portal.outcomes.models import (
    BehaviourIncident,
    DailyAttendance,
    Grade,
    Intervention,
    Program,
    ProgramEnrollment,
)
from portal.people.export import rows_csv
from portal.people.models import Guardian, StudentGuardian

GUARDIAN = ("id", "first_name", "last_name", "email", "phone", "preferred_language",
            "preferred_channel", "timezone")
ACCOUNT = ("email", "full_name", "preferred_language", "invited_at", "activated_at",
           "last_login_at")
CHILD = ("id", "first_name", "last_name", "preferred_name", "date_of_birth", "grade_level")
LINK = ("relationship_kind", "lives_with", "is_emergency_contact", "household")
RECORDS = {
    "attendance": (DailyAttendance, ("student_id", "on_date", "status", "reason")),
    "grades": (Grade, ("student_id", "section_id", "grading_period_id", "kind",
                       "assessment_name", "score", "max_score", "recorded_on")),
    "behaviour": (BehaviourIncident, ("student_id", "occurred_at", "is_positive", "category",
                                      "description", "action_taken")),
    "interactions": (Interaction, ("student_id", "occurred_at", "channel", "direction",
                                   "summary", "outcome")),
    "interventions": (Intervention, ("student_id", "goal", "actions", "status", "opened_on",
                                     "review_on", "closed_on", "outcome")),
    "program_enrollments": (ProgramEnrollment, ("student_id", "program_id", "starts_on",
                                                "ends_on")),
}


def _value(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _row(record, columns, **extra) -> dict:
    return {**{name: _value(getattr(record, name)) for name in columns}, **extra}


def _children(user: User, guardian: Guardian) -> list[dict]:
    links = {link.student_id: link for link in db.session.scalars(
        select(StudentGuardian).where(StudentGuardian.guardian_id == guardian.id))}
    return [_row(child, CHILD, school=child.school.name, **_row(links[child.id], LINK))
            for child in queries.children_of(user)]


def _records(user: User) -> dict[str, list[dict]]:
    tables = {}
    for name, (model, columns) in RECORDS.items():
        found = db.session.scalars(visible_records(user, model).order_by(model.id))
        tables[name] = [_row(record, columns) for record in found]
    program_ids = {row["program_id"] for row in tables["program_enrollments"]}
    tables["programs"] = [_row(program, ("id", "name", "kind", "description"))
                          for program in db.session.scalars(
                              select(Program).where(Program.id.in_(program_ids)))]
    return tables


def _about_my_children(user: User, column):
    return or_(column.is_(None), column.in_(guardian_child_ids(user)))


def _own_records(user: User, guardian: Guardian) -> dict[str, list[dict]]:
    mine = EventInvitation.guardian_id == guardian.id
    events = db.session.execute(
        select(EventInvitation, Event).join(Event, Event.id == EventInvitation.event_id)
        .where(mine, _about_my_children(user, EventInvitation.student_id)))
    slots = db.session.scalars(select(ConferenceSlot).where(
        ConferenceSlot.guardian_id == guardian.id,
        _about_my_children(user, ConferenceSlot.student_id)))
    # The family's messages and requests are theirs about any child (a subject-access right):
    # a child who left or was erased shows only as far as erasure left the record.
    messages = db.session.scalars(select(Message).where(Message.guardian_id == guardian.id)
                                  .order_by(Message.id))
    feedback = [row for row, _child in account_queries.list_feedback(user, guardian)]
    replies = db.session.scalars(select(FeedbackReply).where(
        FeedbackReply.feedback_id.in_([item.id for item in feedback])))
    preferences = db.session.scalars(select(NotificationPreference).where(
        NotificationPreference.guardian_id == guardian.id))
    return {
        "events": [_row(invitation, ("student_id", "rsvp", "rsvp_at"), title=event.title,
                        starts_at=_value(event.starts_at), location=event.location)
                   for invitation, event in events],
        "conference_bookings": [_row(slot, ("student_id", "starts_at", "ends_at", "mode",
                                            "location", "status")) for slot in slots],
        "messages": [_row(message, ("student_id", "created_at", "from_family", "subject",
                                    "body_text", "read_at")) for message in messages],
        "requests": [_row(item, ("id", "student_id", "kind", "subject", "body", "status",
                                 "created_at")) for item in feedback],
        "request_replies": [_row(reply, ("feedback_id", "body", "created_at"))
                            for reply in replies],
        "consents": [_row(consent, ("purpose", "granted", "recorded_at", "note"))
                     for consent in account_queries.consent_history(guardian)],
        "notification_preferences": [_row(row, ("kind", "enabled", "changed_at", "changed_via"))
                                     for row in preferences],
    }


def family_data(user: User, guardian: Guardian) -> dict[str, list[dict]]:
    """Return every table of the family's data the guardian may see."""
    return {
        "guardian": [_row(guardian, GUARDIAN)],
        "account": [_row(user, ACCOUNT)],
        "children": _children(user, guardian),
        **_records(user),
        **_own_records(user, guardian),
    }


def family_zip(user: User, guardian: Guardian) -> bytes:
    """Return a zip with family.json and one CSV file per table."""
    tables = family_data(user, guardian)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("family.json", json.dumps(
            {"exported_at": utcnow().isoformat(), "tables": tables}, indent=2,
            ensure_ascii=False))
        for name, rows in tables.items():
            archive.writestr(f"{name}.csv", rows_csv(rows))
    return buffer.getvalue()
