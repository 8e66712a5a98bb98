"""What a sender can pick from when building an audience (read-only)."""

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, or_, select

from portal.auth.models import Role, User
from portal.core.permissions import (
    visible_school_ids,
    visible_schools,
    visible_student_ids,
    visible_students,
)
from portal.core.time import to_local, utcnow
from portal.events.models import Event
from portal.extensions import db
from portal.messaging.forms import AudienceForm
from portal.messaging.models import Campaign, MessageTemplate, Segment, TemplateVariant
from portal.messaging.queries import campaigns_for
from portal.messaging.segments import spans_only, within_reach
from portal.needs.models import NeedKind
from portal.outcomes.models import Program
from portal.people.labels import student_label
from portal.people.models import AcademicTerm, Course, Enrollment, Section, Student
from portal.people.queries import offers_classes, school_of


def _narrowed(stmt: Select, school: ColumnElement, key: ColumnElement,
              picked: list[int] | None, chosen: list[int]) -> Select:
    """Keep a list of options to the picked schools (None: every school of the sender) and
    to what was already chosen (an edited campaign keeps its picks)."""
    if picked is None:
        return stmt
    return stmt.where(or_(school.in_(picked), key.in_(chosen)))


def _sections(user: User, picked: list[int] | None, chosen: list[int]) -> list[tuple[int, str]]:
    stmt = (select(Section.id, Section.name, Course.name)
            .join(Course, Course.id == Section.course_id)
            .join(AcademicTerm, AcademicTerm.id == Section.term_id)
            .where(AcademicTerm.school_id.in_(visible_school_ids(user)))
            .order_by(Course.name, Section.name))
    if user.role != Role.ADMINISTRATOR:
        stmt = stmt.where(Section.id.in_(select(Enrollment.section_id).where(
            Enrollment.student_id.in_(visible_student_ids(user)))))
    return [(section_id, f"{name} ({course})") for section_id, name, course in
            db.session.execute(_narrowed(stmt, AcademicTerm.school_id, Section.id, picked,
                                         chosen))]


def fill_choices(form: AudienceForm, *, user: User, languages: dict[str, str]) -> None:
    """Offer only the schools, sections, students, programs and events this sender may reach.

    A sender of several schools (a district's administrator) picks from the school chosen on
    the form: the whole district's classes and students would be thousands of options, and
    its schools' programs and events share names.
    """
    schools = visible_schools(user)
    form.school_id.choices = [(None, _("All schools"))] + [(s.id, s.name) for s in schools] \
        if len(schools) > 1 else [(None, "")]
    school_id = form.school_id.data if len(schools) > 1 else None  # one school: no field
    picked = [school_id] if school_id else None  # None: every school of the sender
    if not offers_classes(schools, school_id):
        picked = []  # several schools and none chosen: only what was already chosen
    form.section_ids.choices = _sections(user, picked, form.section_ids.data or [])
    students = visible_students(user).where(Student.is_active.is_(True)).order_by(
        Student.sort_name, Student.last_name, Student.first_name).limit(1000)
    form.student_ids.choices = [(student.id, student_label(student)) for student in
                                db.session.scalars(_narrowed(students, Student.school_id,
                                                             Student.id, picked,
                                                             form.student_ids.data or []))]
    programs = select(Program.id, Program.name).where(
        Program.school_id.in_(visible_school_ids(user)), Program.is_active.is_(True))
    form.program_ids.choices = [tuple(row) for row in db.session.execute(_narrowed(
        programs, Program.school_id, Program.id, picked, form.program_ids.data or [])
        .order_by(Program.name))]
    form.need_kinds.choices = [(kind, kind.replace("_", " ").capitalize())
                               for kind in NeedKind.ALL]
    form.event_without_rsvp.choices = [(0, "—")] + _events_awaiting_answers(
        user, picked, form.event_without_rsvp.data or 0)
    form.languages.choices = list(languages.items())


def _events_awaiting_answers(user: User, picked: list[int] | None,
                             chosen: int) -> list[tuple[int, str]]:
    """The upcoming events that ask families to answer (never a conference: it is booked by
    slot), and the one already chosen, shown as chosen so that its refusal is seen rather
    than the filter silently dropped."""
    events = select(Event.id, Event.title).where(
        Event.school_id.in_(visible_school_ids(user)),
        or_(and_(Event.asks_for_answers, Event.starts_at > utcnow()), Event.id == chosen))
    return [tuple(row) for row in db.session.execute(_narrowed(
        events, Event.school_id, Event.id, picked, [chosen]).order_by(Event.starts_at).limit(100))]


def _home(user: User) -> int | None:
    """Return the id of the school the user's campaigns are filed under (see school_of)."""
    school = school_of(user)
    return school.id if school else None


def saved_segments(user: User) -> list[Segment]:
    """Return the saved audiences the user could choose: of the school their campaigns are
    filed under, spanning only schools they work in (not a district's audience of several)."""
    schools = set(db.session.scalars(visible_school_ids(user)))
    return [segment for segment in db.session.scalars(
        select(Segment).where(Segment.school_id == _home(user)).order_by(Segment.name))
        if spans_only(segment.criteria, segment.school_id, schools)]


def saved_segment_or_404(user: User, segment_id: int) -> Segment:
    """Return a saved audience the user could choose (saved_segments); any other is 404."""
    segment = db.session.get(Segment, segment_id)
    if segment is None or segment.school_id != _home(user) or not within_reach(
            user, segment.criteria, segment.school_id):
        abort(404)
    return segment


def saved_templates(user: User) -> list[MessageTemplate]:
    """Return the earlier messages the user may start from (can_use_template), newest first:
    their own and those of campaigns they may open, of the school their campaigns are filed
    under. A colleague's unshared campaign is not offered: its title is its template's name."""
    home = _home(user)
    opened = {campaign.template_id for campaign in campaigns_for(user)
              if campaign.school_id == home}
    return list(db.session.scalars(select(MessageTemplate).where(
        MessageTemplate.school_id == home,
        or_(MessageTemplate.created_by_id == user.id, MessageTemplate.id.in_(opened)))
        .order_by(MessageTemplate.created_at.desc()).limit(100)))


def template_as_form_data(template: MessageTemplate) -> dict:
    """Return a template's kind and its subject and body per language, as form values."""
    data = {"kind": template.kind}
    for variant in db.session.scalars(select(TemplateVariant).where(
            TemplateVariant.template_id == template.id)):
        data[f"subject_{variant.language}"] = variant.subject
        data[f"body_{variant.language}"] = variant.body
    return data


def criteria_as_form_data(criteria: dict) -> dict:
    """Turn stored criteria back into form values (to start from a saved audience)."""
    data = dict(criteria)
    schools = data.pop("school_ids", [])
    if len(schools) == 1:
        data["school_id"] = schools[0]
    if "grade_levels" in data:
        data["grade_levels"] = ", ".join(str(level) for level in data["grade_levels"])
    return data


def campaign_as_form_data(campaign: Campaign, timezone: str) -> dict:
    """Return a campaign's title, audience, schedule and message as form values (to edit it)."""
    data = criteria_as_form_data(campaign.criteria)
    data.update(template_as_form_data(db.session.get(MessageTemplate, campaign.template_id)))
    scheduled = to_local(campaign.scheduled_at, timezone)
    data.update(title=campaign.title, kind=campaign.kind, segment_id=campaign.segment_id or 0,
                scheduled_at=scheduled.replace(tzinfo=None) if scheduled else None)
    return data
