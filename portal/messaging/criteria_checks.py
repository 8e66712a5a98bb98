"""Audience criteria checked before any is stored or counted: each value one its field offers,
each id a record of the audience's schools, each school one the sender works in. Criteria
refused here would silently reach nobody, or reach past what the sender may see."""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from portal.auth.models import User
from portal.core.fields import HIGHEST_GRADE, LOWEST_GRADE, in_id_range, is_finite
from portal.events.models import Event
from portal.extensions import db
from portal.messaging.segments import (
    AudienceNotUsable,
    audience_schools,
    unanswerable_event,
    within_reach,
)
from portal.needs.models import NeedKind
from portal.outcomes.models import Program
from portal.people.models import AcademicTerm, School, Section, Student
from portal.people.queries import school_languages
from portal.risk.models import RiskLevel

# The criteria naming records by id: each record's id, and whether it is of these schools.
_ID_CRITERIA = {
    "section_ids": (Section.id, lambda schools: Section.term_id.in_(
        select(AcademicTerm.id).where(AcademicTerm.school_id.in_(schools)))),
    "program_ids": (Program.id, lambda schools: Program.school_id.in_(schools)),
    "student_ids": (Student.id, lambda schools: Student.school_id.in_(schools)),
    "event_without_rsvp": (Event.id, lambda schools: Event.school_id.in_(schools)),
}


def _foreign_ids(key: str, criteria: dict, schools: list[int]) -> list[str]:
    """Return the ids a criterion names that are no record of the audience's schools."""
    value = criteria.get(key)
    named = [item for item in (value if isinstance(value, list) else [value]) if item]
    wanted = {item for item in named if _is_id(item)}
    key_column, of_schools = _ID_CRITERIA[key]
    found = set(db.session.scalars(select(key_column).where(
        key_column.in_(wanted), of_schools(schools)))) if wanted else set()
    return [str(item)[:20] for item in named if item not in found]


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and in_id_range(value)


def _offered_languages(schools: list[int]) -> set[str]:
    """Return the languages any of the audience's schools offers its families."""
    portal_languages = current_app.config["PORTAL_LANGUAGES"]
    return {code for school in db.session.scalars(select(School).where(School.id.in_(schools)))
            for code in school_languages(school, portal_languages)}


def _within(values, allowed) -> bool:
    return isinstance(values, list) and all(
        isinstance(value, str) and value in allowed for value in values)


def _out_of_domain(criteria: dict, schools: list[int]) -> str | None:
    """Return the criterion holding a value no choice of its field offers, if any."""
    levels = criteria.get("grade_levels", [])
    if not isinstance(levels, list) or not all(
            _is_id(level) and LOWEST_GRADE <= level <= HIGHEST_GRADE for level in levels):
        return "grade_levels"
    rate = criteria.get("attendance_below")
    if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int | float)
                             or not is_finite(rate) or not 0 <= rate <= 100):
        return "attendance_below"
    choices = {"risk_levels": RiskLevel.ALL, "need_kinds": NeedKind.ALL,
               "portal_activated": ("yes", "no")}
    for key, allowed in choices.items():
        value = criteria.get(key)
        if value is not None and not _within(value if key != "portal_activated" else [value],
                                             allowed):
            return key
    if "languages" in criteria and not _within(criteria["languages"],
                                               _offered_languages(schools)):
        return "languages"
    return None


_DOMAIN_MESSAGES = {
    "grade_levels": lambda: _("Grade levels go from %(lowest)s to %(highest)s.",
                              lowest=LOWEST_GRADE, highest=HIGHEST_GRADE),
    "attendance_below": lambda: _("Enter a number from 0 to 100."),
}


def check_criteria(criteria: dict, *, school_id: int, sender: User) -> None:
    """Refuse a filter that would silently reach nobody: an id (section, program, student,
    event) of no record of the audience's schools, a grade level no school has, or "no answer
    yet" to an event that asks families no answers (a conference); and any value no choice
    of its field offers (a need kind, a language the schools do not offer, a risk level, a
    rate beyond 0–100). First, a school the sender does not work in: refused saying nothing of
    it (its families are not counted)."""
    if not within_reach(sender, criteria, school_id):
        raise AudienceNotUsable(_("That choice is not available."), field="school_id")
    schools = audience_schools(criteria, school_id)
    out_of_domain = _out_of_domain(criteria, schools)
    if out_of_domain is not None:
        message = _DOMAIN_MESSAGES.get(out_of_domain, lambda: _("That choice is not available."))
        raise AudienceNotUsable(message(), field=out_of_domain)
    for key in _ID_CRITERIA:
        foreign = _foreign_ids(key, criteria, schools)
        if foreign:
            raise AudienceNotUsable(_("Not found at the school of this audience (%(ids)s): "
                                      "choose from the list.",
                                      ids=", ".join(foreign)), field=key)
    event = unanswerable_event(criteria)
    if event is not None:
        raise AudienceNotUsable(_("“%(title)s” does not ask families to answer, so every family "
                                  "invited would count as having no answer yet: choose an "
                                  "event that asks them to answer.", title=event.title),
                                field="event_without_rsvp")
