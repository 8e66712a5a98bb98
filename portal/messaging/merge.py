"""Merge fields: what a template may say about one guardian and their children."""

from babel import Locale
from sqlalchemy import select

from portal.core.formats import format_moment, format_names, format_percentage, locale_of
from portal.core.time import utcnow
from portal.core.urls import portal_url
from portal.events.models import Event, EventInvitation
from portal.extensions import db
from portal.outcomes.queries import attendance_summary, latest_grades
from portal.people.models import Guardian, School, Student


def next_event_for(guardian: Guardian, school: School, locale: Locale) -> str:
    """Return "Title, date time" of the next event the guardian is invited to, or "" (the
    day and time in the school's zone, written as the language writes them)."""
    event = db.session.scalar(
        select(Event).join(EventInvitation, EventInvitation.event_id == Event.id)
        .where(EventInvitation.guardian_id == guardian.id, Event.starts_at > utcnow(),
               Event.status != "cancelled")
        .order_by(Event.starts_at).limit(1))
    if event is None:
        return ""
    return f"{event.title}, {format_moment(event.starts_at, school.timezone, locale)}"


def _child_fields(student: Student, wanted: set[str], locale: Locale) -> dict:
    fields = {"name": student.display_name, "attendance_rate": "", "latest_grades": ""}
    if wanted & {"children", "attendance_rate"}:
        rate = attendance_summary(student)["rate"]
        fields["attendance_rate"] = format_percentage(rate, locale, 1) if rate is not None else ""
    if wanted & {"children", "latest_grades"}:
        fields["latest_grades"] = format_names(
            [f"{row['course']} {format_percentage(row['grade'].percent, locale, 0)}"
             for row in latest_grades(student, 3)], locale)
    return fields


def _per_child(children: list[dict], key: str) -> str:
    if len(children) == 1:
        return children[0][key]
    return "; ".join(f"{child['name']}: {child[key] or '—'}" for child in children)


def merge_fields(*, guardian: Guardian, students: list[Student], school: School,
                 language: str, wanted: frozenset[str] | None = None) -> dict:
    """Return the merge fields for one guardian; per-child values name the child when several.
    Dates and numbers are written in the message's language.

    With `wanted` (the fields a template uses), the others are left empty, not looked up:
    a campaign to 90,000 guardians should not read everyone's grades to say hello.
    """
    wanted = set(SAMPLE_FIELDS) if wanted is None else wanted
    locale = locale_of(language)
    children = [_child_fields(student, wanted, locale) for student in students]
    return {
        "guardian_name": guardian.display_name,
        "student_name": format_names([child["name"] for child in children], locale),
        "children": children,
        "attendance_rate": _per_child(children, "attendance_rate") if children else "",
        "latest_grades": _per_child(children, "latest_grades") if children else "",
        "next_event": next_event_for(guardian, school, locale) if "next_event" in wanted else "",
        "portal_link": portal_url("family.inbox") if "portal_link" in wanted else "",
        "school_name": school.name,
    }


SAMPLE_FIELDS = {
    "guardian_name": "Alex Sample", "student_name": "Sam Sample",
    "children": [{"name": "Sam Sample", "attendance_rate": "96.0 %",
                  "latest_grades": "Mathematics 81 %"}],
    "attendance_rate": "96.0 %", "latest_grades": "Mathematics 81 %",
    "next_event": "Parents' evening, 2026-11-30 18:00", "portal_link": "https://portal.example",
    "school_name": "Sample School",
}
