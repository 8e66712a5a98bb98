"""A school in which every free text a user can write holds a script payload.

The payload of each field names the field, so a test can tell which text leaked where.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import select

from portal.auth.models import Role, User
from portal.auth.tokens import make_token
from portal.core.models import Visibility
from portal.core.time import utcnow
from portal.events.answer_links import answer_url
from portal.events.conferences import SlotPlan, book_slot, publish_slots
from portal.events.feeds import create_feed
from portal.events.models import EventInvitation
from portal.events.services import EventDetails, create_event
from portal.extensions import db
from portal.family.services import reply_to_feedback, submit_feedback
from portal.imports.models import ImportJob
from portal.interactions.services import log_interaction
from portal.messaging.campaigns import create_campaign
from portal.messaging.inbox import reply_to_message
from portal.messaging.services import notify_guardian
from portal.messaging.unsubscribe import unsubscribe_url
from portal.needs.services import record_need
from portal.notifications.services import notify_users
from portal.outcomes.intervention_services import add_intervention_note, open_intervention
from portal.outcomes.program_services import create_program, enroll_student
from portal.outcomes.services import record_behaviour
from tests import factories as f

RAW_MARKERS = ("<script>alert(", "<img src=x onerror=")


def payload(name: str) -> str:
    """Return a script payload (and an attribute breakout) that names the field it is in."""
    return f'{name}<script>alert(1)</script>"><img src=x onerror=alert(1)>'


def multiline(name: str) -> str:
    """Return a payload over two lines, for the texts shown through the nl2br filter."""
    return f"{payload(name)}\nsecond line of {name}"


@dataclass
class World:
    admin: User
    parent: User
    district_admin: User | None = None
    ids: dict = field(default_factory=dict)
    queries: dict = field(default_factory=dict)  # endpoint: the query string its page needs


def build_world() -> World:
    """Add a school, a family and one of every record with a free text; commit."""
    school = f.make_school(name=payload("school name"), timezone="UTC")
    term = f.make_term(school, starts_on=utcnow().date() - timedelta(days=60),
                       ends_on=utcnow().date() + timedelta(days=200))
    admin = f.make_user(Role.ADMINISTRATOR, school, full_name=payload("staff name"))
    teacher = f.make_user(Role.TEACHER, school, full_name=payload("teacher name"))
    child = f.make_student(school, first_name=payload("student first name"),
                           last_name="Lopez", preferred_name=None)
    section = f.make_section(school, teacher, child, term=term)
    parent, guardian = f.make_family(school, child, first_name=payload("guardian name"))
    world = World(admin, parent)
    _district(world, school)
    world.ids.update(student_id=child.id, section_id=section.id, person_id={
        "privacy.students_record": child.id, "privacy.guardians_record": guardian.id,
        "privacy.students_export": child.id, "privacy.guardians_export": guardian.id})
    _staff_records(world, child, admin)
    _events(world, school, admin, teacher, child, guardian)
    _family_records(world, school, admin, teacher, child, guardian, parent)
    world.ids["job_id"] = _import_job(admin).id
    world.ids["language"] = "fa"  # the charts' Plotly locale
    invited = f.make_user(Role.TEACHER, school, activated_at=None)
    world.ids["token"] = {"auth.reset_password": make_token(admin, "reset"),
                          "auth.accept_invitation": make_token(invited, "invitation"),
                          "messaging.unsubscribe": unsubscribe_url(guardian, "general")
                          .rsplit("/", 1)[1].split("?")[0],
                          "family.calendar_feed": create_feed(guardian=guardian),
                          "family.answer_by_link": _answer_token(guardian)}
    db.session.commit()
    return world


def _district(world: World, school) -> None:
    """Put the school in a district with a second school; its administrator opens the pages
    with a school filter, every school's name in it."""
    sister = f.make_school(name=payload("second school name"), timezone="UTC")
    district = f.make_district(payload("district name"), school, sister)
    world.district_admin = f.make_district_admin(district, full_name=payload("district admin"))
    world.queries.update({"students.student_list_csv": {"school_id": school.id},
                          "dashboards.interventions": {"school_id": school.id}})


def _staff_records(world: World, child, admin) -> None:
    now = utcnow()
    interaction = log_interaction(
        student=child, author=admin, channel="phone", occurred_at=now - timedelta(days=1),
        summary=multiline("interaction summary"),
        outcome="reached", visibility=Visibility.FAMILY,
        follow_up_due_on=now.date() + timedelta(days=3))
    need = record_need(student=child, actor=admin, kind="health",
                       title=payload("need title"), details=payload("need details"),
                       visibility=Visibility.FAMILY)
    plan = open_intervention(student=child, actor=admin, owner=admin,
                             reason=multiline("intervention reason"),
                             goal=multiline("intervention goal"),
                             actions=multiline("intervention actions"),
                             visibility=Visibility.FAMILY, today=now.date())
    add_intervention_note(plan=plan, student=child, actor=admin,
                          body=multiline("intervention note"))
    program = create_program(school_id=child.school_id, actor=admin,
                             name=payload("program name"), kind="club",
                             description=multiline("program description"))
    enroll_student(program=program, student=child, actor=admin,
                   starts_on=now.date() - timedelta(days=10))
    record_behaviour(student=child, actor=admin, occurred_at=now - timedelta(days=2),
                     category="kindness", description=payload("behaviour description"),
                     is_positive=True, action_taken=payload("behaviour action"),
                     visibility=Visibility.FAMILY)
    world.ids.update(interaction_id=interaction.id, need_id=need.id, intervention_id=plan.id,
                     program_id=program.id)
    monday = now.date() - timedelta(days=now.weekday())
    world.queries.update({"dashboards.students": {"chart": "behaviour", "week": str(monday),
                                                  "school_id": child.school_id},
                          "dashboards.programs": {"program_id": program.id}})


def _events(world: World, school, admin, teacher, child, guardian) -> None:
    day = utcnow().date() + timedelta(days=14)
    conference = create_event(actor=admin, school=school, details=EventDetails(
        kind="conference", title=payload("event title"),
        starts_local=datetime.combine(day, time(16)), ends_local=datetime.combine(day, time(19)),
        audience={"whole_school": True}, description=multiline("event description"),
        location=payload("event location")))
    slots = publish_slots(actor=teacher, event=conference, plan=SlotPlan(
        days=[day], day_starts=time(16), day_ends=time(17), length_minutes=15,
        break_minutes=5, mode="in_person", location=payload("slot location")))
    book_slot(actor=world.parent, slot=slots[0], student=child, guardian=guardian)
    world.ids["event_id"] = conference.id


def _answer_token(guardian) -> str:
    invitation = db.session.scalars(select(EventInvitation).where(
        EventInvitation.guardian_id == guardian.id)).first()
    return answer_url(invitation, "yes").rsplit("/", 1)[1].split("?")[0]


def _import_job(admin):
    """An import that failed, its file name and error cells all written by the uploader."""
    job = ImportJob(kind="oneroster", file_name=payload("import file name"), stored_name="x.zip",
                    school_id=admin.school_id, requested_by_id=admin.id, dry_run=True,
                    status="failed", summary=[payload("import summary")],
                    errors=[{"file": payload("import error file"), "line": 2,
                             "column": payload("import error column"),
                             "value": payload("import error value"), "reason": "is wrong"}])
    db.session.add(job)
    db.session.flush()
    return job


def _family_records(world: World, school, admin, teacher, child, guardian, parent) -> None:
    feedback = submit_feedback(guardian=guardian, author=parent, student_id=child.id,
                               kind="question", subject=payload("request subject"),
                               body=multiline("request body"))
    reply_to_feedback(feedback=feedback, author=parent,
                      body=multiline("request reply"))
    message = notify_guardian(guardian=guardian, kind="general",
                              subject=payload("message subject"),
                              body_text=multiline("message body"),
                              student=child, sender=teacher)
    reply_to_message(guardian=guardian, author=parent, thread=message,
                     body=multiline("message reply"), student=child)
    campaign = create_campaign(sender=admin, school=school, title=payload("campaign title"),
                               kind="general", criteria={}, variants={"en": (
                                   payload("campaign subject"),
                                   multiline("campaign body"))})
    notification, = notify_users(users=[admin], kind="family_request", student_id=child.id,
                                 title=payload("notification title"), object_type="feedback",
                                 object_id=feedback.id, link=f"/needs/requests/{feedback.id}")
    world.ids.update(feedback_id=feedback.id, message_id=message.id, campaign_id=campaign.id,
                     notification_id=notification.id)
    world.queries["messaging.digest_preview"] = {"guardian_id": guardian.id, "q": "guardian"}


# Pages that only a visitor without an account opens (a link from an email, a sign-in form).
ANONYMOUS_PAGES = frozenset({"auth.login", "auth.request_reset", "auth.reset_password",
                             "auth.accept_invitation", "messaging.unsubscribe",
                             "family.calendar_feed", "family.answer_by_link",
                             "health.healthz"})
# Pages with a school filter, opened by the district's administrator (both schools offered),
# and pages that follow a school's calendar (theirs: the district's first school).
DISTRICT_PAGES = frozenset({"students.student_list", "students.student_list_csv",
                            "dashboards.overview", "dashboards.students", "dashboards.programs",
                            "dashboards.interventions", "messaging.new_campaign",
                            "messaging.audience_count", "people.home", "events.calendar"})
NOT_PAGES = frozenset({"static", "dashboards.plotly_js"})
# The routes that take a POST without a CSRF token, each with its reason.
CSRF_EXEMPT = {
    "messaging.sms_inbound": "the SMS provider's webhook for STOP replies: no session; a "
                             "secret token in its URL is the proof",
    "messaging.unsubscribe_now": "RFC 8058 one-click unsubscribe: a mail client posts the "
                                 "signed link, with no session; the signed token is the proof",
}
# Pages whose form posts to one of those routes (to messaging.unsubscribe_now).
CSRF_EXEMPT_FORMS = frozenset({"messaging.unsubscribe"})


def reader_of(endpoint: str, world: World) -> User | None:
    """Return who opens a page: nobody signed in, the guardian, the district's administrator
    (pages with a school filter) or the school's administrator."""
    if endpoint in ANONYMOUS_PAGES:
        return None
    if endpoint in DISTRICT_PAGES:
        return world.district_admin
    return world.parent if endpoint.startswith("family.") else world.admin


def page_paths(app, world: World) -> list[tuple[str, str]]:
    """Return the endpoint and path of every GET route, its arguments filled from the world."""
    adapter = app.url_map.bind("localhost")
    pages = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        values = {}
        for name in rule.arguments:
            assert name in world.ids, f"{rule.rule}: give the world a {name}"
            value = world.ids[name]
            values[name] = value[rule.endpoint] if isinstance(value, dict) else value
        values.update(world.queries.get(rule.endpoint, {}))
        pages.append((rule.endpoint, adapter.build(rule.endpoint, values)))
    return pages
