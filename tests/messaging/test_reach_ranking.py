"""The reach report's ranking, worked out in the database: every reason counts once, risk
before the number of reasons, and the to-dos counted the way the profile words them."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.auth.models import Role
from portal.events.models import ConferenceSlot, Event, EventAttendance, EventInvitation
from portal.extensions import db
from portal.messaging.inbox import reply_to_message
from portal.messaging.models import Delivery, DeliveryStatus, Message
from portal.messaging.reach import families_not_reached
from portal.people.models import School, Student
from portal.risk.models import RiskAssessment, RiskRuleSet
from portal.risk.queries import family_todo_counts, family_todos_by_school
from tests import factories as f

NOW = datetime(2026, 11, 25, 15, 0)  # the tests' clock (tests/conftest.py): 25 November


def _event(school, starts_at: datetime) -> Event:
    event = Event(school_id=school.id, kind="school_event", title="Evening",
                  starts_at=starts_at, ends_at=starts_at + timedelta(hours=2),
                  uid=f"reach-{school.id}-{starts_at.isoformat()}@test")
    db.session.add(event)
    db.session.flush()
    return event


def _missed(student, guardian, event, *, came: bool = False, rsvp: str = "yes") -> None:
    db.session.add(EventInvitation(event_id=event.id, guardian_id=guardian.id,
                                   student_id=student.id, invited_at=event.starts_at, rsvp=rsvp))
    if came:
        db.session.add(EventAttendance(event_id=event.id, guardian_id=guardian.id,
                                       student_id=student.id, checked_in_at=event.starts_at))


def _no_show(student, staff, starts_at: datetime) -> None:
    """A conference (an evening of its own: one slot a student each) the family missed."""
    event = _event(db.session.get(School, student.school_id), starts_at)
    db.session.add(ConferenceSlot(event_id=event.id, staff_id=staff.id, starts_at=starts_at,
                                  ends_at=starts_at + timedelta(minutes=15), status="no_show",
                                  student_id=student.id))


def _to_do_world():
    """Two schools, each child in a different place against its school's thresholds.

    Early: a term from 1 September (85 days), the default to-dos (60 days, 2 events).
    Late: a term from 1 October (55 days), to-dos from 30 days and 1 event.
    Edge and Short: terms from 60 and 59 days ago, the defaults, a family never reached.
    """
    early, late, edge, short = (f.make_school(name) for name in ("Early", "Late", "Edge",
                                                                 "Short"))
    f.make_term(early, starts_on=date(2026, 9, 1))
    f.make_term(late, starts_on=date(2026, 10, 1))
    f.make_term(edge, starts_on=date(2026, 9, 26))
    f.make_term(short, starts_on=date(2026, 9, 27))
    db.session.add(RiskRuleSet(school_id=late.id, version=1, settings={
        "family_todos": {"days_since_family_contact": 30, "missed_parent_events": 1}}))
    staff = f.make_user(Role.COUNSELLOR, early)
    children = {}

    def child(school, name, *contacts):
        children[name] = pupil = f.make_student(school, first_name=name)
        children[name + " guardian"] = guardian = f.make_guardian(school)
        f.link(pupil, guardian)
        for occurred_at, outcome in contacts:
            f.make_interaction(pupil, staff, outcome=outcome, occurred_at=occurred_at)
        return pupil, guardian

    child(early, "Sixty", (datetime(2026, 9, 26, 23, 30), "reached"))  # 60 days: a to-do
    child(early, "FiftyNine", (datetime(2026, 9, 27, 0, 30), "reached"))
    child(early, "Tomorrow", (datetime(2026, 11, 26, 9), "reached"))  # not yet: never reached
    child(early, "NoAnswer", (datetime(2026, 11, 24, 9), "no_answer"))
    pupil, guardian = child(early, "TwoNoShows", (NOW - timedelta(days=3), "reached"))
    for day in (6, 7):
        _no_show(pupil, staff, datetime(2026, 10, day, 17))
    _no_show(pupil, staff, datetime(2026, 8, 20, 17))  # before the term: not counted
    pupil, guardian = child(early, "SaidYes", (NOW - timedelta(days=3), "reached"))
    _no_show(pupil, staff, datetime(2026, 10, 8, 17))
    _missed(pupil, guardian, _event(early, datetime(2026, 10, 20, 18)))
    _missed(pupil, guardian, _event(early, datetime(2026, 11, 3, 18)), came=True)
    _missed(pupil, guardian, _event(early, datetime(2026, 11, 10, 18)), rsvp="no")
    _missed(pupil, guardian, _event(early, datetime(2026, 11, 25, 12)))  # today: not over
    child(late, "Thirty", (datetime(2026, 10, 26, 12), "meeting_held"))
    child(late, "TwentyNine", (datetime(2026, 10, 27, 12), "replied"))
    child(late, "Never")
    pupil, guardian = child(late, "OneMissed", (NOW - timedelta(days=1), "reached"))
    _missed(pupil, guardian, _event(late, datetime(2026, 11, 2, 18)))
    child(edge, "NeverSinceSixty")
    child(short, "NeverSinceFiftyNine")
    db.session.flush()
    return [early, late, edge, short], children


def test_the_database_counts_the_to_dos_the_profile_words(app):
    schools, children = _to_do_world()
    counts = dict(db.session.execute(select(*family_todo_counts([s.id for s in schools]).c))
                  .all())
    by_school = {school.id: [pupil.id for pupil in children.values()
                             if isinstance(pupil, Student) and pupil.school_id == school.id]
                 for school in schools}
    worded = family_todos_by_school(by_school)
    named = {name: counts[pupil.id] for name, pupil in children.items()
             if isinstance(pupil, Student)}
    assert named == {"Sixty": 1, "FiftyNine": 0, "Tomorrow": 1, "NoAnswer": 1,
                     "TwoNoShows": 1, "SaidYes": 1, "Thirty": 1, "TwentyNine": 0,
                     "Never": 1, "OneMissed": 1, "NeverSinceSixty": 1,
                     "NeverSinceFiftyNine": 0}
    assert counts == {student_id: len(todos) for student_id, todos in worded.items()}


def _guardian(school, name, *, signed_in: bool = True, contacted_days_ago: int = 1, **fields):
    user = f.make_user(Role.GUARDIAN, None)
    if signed_in:
        user.last_login_at = NOW - timedelta(days=2)
    guardian = f.make_guardian(school, user=user, first_name=name, last_name="Zed", **fields)
    pupil = f.make_student(school, first_name=f"{name}Child")
    f.link(pupil, guardian)
    f.make_interaction(pupil, f.make_user(Role.TEACHER, school), outcome="reached",
                       occurred_at=NOW - timedelta(days=contacted_days_ago))  # to-do from 60
    return guardian, pupil


def _delivery(guardian, status: str, created_at: datetime) -> None:
    db.session.add(Delivery(guardian_id=guardian.id, to_address="x@example.org",
                            subject="Update", status=status, created_at=created_at,
                            message_id_header=f"<{guardian.id}-{created_at.isoformat()}@test>"))


def _message(guardian, *, created_at: datetime, read_at: datetime | None) -> Message:
    message = Message(guardian_id=guardian.id, subject="Update", body_text="Hello",
                      created_at=created_at, read_at=read_at)
    db.session.add(message)
    return message


@pytest.mark.parametrize("viewer", ["school", "district"])
def test_each_reason_counts_and_risk_comes_before_the_number_of_reasons(app, viewer):
    """The same families whether one school's report (each family's messages looked up) or
    a district's across two schools (every message read once) ranks them."""
    school = f.make_school()
    f.make_term(school)
    if viewer == "school":
        admin = f.make_user(Role.ADMINISTRATOR, school)
    else:
        other = f.make_school()
        f.make_term(other)
        admin = f.make_district_admin(f.make_district(None, school, other))
    reached, _ = _guardian(school, "Reached")  # signed in, reads, reached: not listed
    _message(reached, created_at=NOW - timedelta(days=10), read_at=NOW - timedelta(days=9))
    one_failure, _ = _guardian(school, "OneFailure")  # one failed delivery is not a reason
    _delivery(one_failure, DeliveryStatus.FAILED, NOW - timedelta(days=3))
    failures, _ = _guardian(school, "Failures")
    for days in (3, 4):
        _delivery(failures, DeliveryStatus.FAILED, NOW - timedelta(days=days))
    _delivery(failures, DeliveryStatus.FAILED, NOW - timedelta(weeks=7))  # before the weeks
    unread, _ = _guardian(school, "Unread")
    _message(unread, created_at=NOW - timedelta(days=10), read_at=None)
    old_news, _ = _guardian(school, "OldNews")  # unread, but sent before the weeks
    _message(old_news, created_at=NOW - timedelta(weeks=8), read_at=None)
    read_long_ago, _ = _guardian(school, "ReadLongAgo")  # the one read was before the weeks
    _message(read_long_ago, created_at=NOW - timedelta(weeks=9), read_at=NOW - timedelta(weeks=8))
    _message(read_long_ago, created_at=NOW - timedelta(days=4), read_at=None)
    wrote, _ = _guardian(school, "Wrote")  # their own message, unread: nothing sent them
    db.session.add(Message(guardian_id=wrote.id, subject="Question", body_text="Hello",
                           created_at=NOW - timedelta(days=2), from_family=True))
    # A new message unread, but they wrote back in an older thread in the weeks: reached.
    replied, _ = _guardian(school, "Replied")
    _message(replied, created_at=NOW - timedelta(days=5), read_at=None)
    thread = _message(replied, created_at=NOW - timedelta(weeks=9),
                      read_at=NOW - timedelta(weeks=9))
    db.session.flush()
    reply_to_message(guardian=replied, author=replied.user, thread=thread, body="Thank you",
                     student=None)
    _withdrawn, withdrawn_child = _guardian(school, "Withdrawn", signed_in=False)
    withdrawn_child.is_active = False  # a family of no current student: not the school's to-do
    three, _ = _guardian(school, "Three", signed_in=False, email_invalid=True,
                         email_invalid_reason="550 No such mailbox")
    _message(three, created_at=NOW - timedelta(days=5), read_at=None)
    # signed in, reads, a valid email: the school's to-do about the child is the one reason
    _no_contact, quiet_child = _guardian(school, "NoContact", contacted_days_ago=70)
    high, high_child = _guardian(school, "High", signed_in=False)  # one reason, a high child
    rules = RiskRuleSet(school_id=school.id, version=1, settings={})
    db.session.add(rules)
    db.session.flush()
    db.session.add(RiskAssessment(student_id=high_child.id, rule_set_id=rules.id, score=80,
                                  level="high"))
    db.session.commit()
    families, total = families_not_reached(admin, weeks=6)
    listed = [(family.guardian.first_name, family.problems) for family in families]
    assert listed == [
        ("High", ["Never signed in to the portal"]),
        ("Three", ["No valid email (550 No such mailbox)", "Never signed in to the portal",
                   "No message read in 6 weeks"]),
        ("Failures", ["2 failed deliveries"]),
        ("NoContact", [f"No successful contact about {quiet_child.display_name} for 70 days"]),
        ("ReadLongAgo", ["No message read in 6 weeks"]),
        ("Unread", ["No message read in 6 weeks"]),
    ]
    assert total == 6
    assert families[0].children[0][1] == "high"


def test_a_teacher_sees_only_their_own_students_in_a_family(app, login_as):
    """A family with a child in the teacher's class and one who is not: the row shows the
    teacher's student, and neither the other child's name nor a to-do about them."""
    school = f.make_school()
    teacher = f.make_user(Role.TEACHER, school)
    taught = f.make_student(school, first_name="Taught")
    sibling = f.make_student(school, first_name="Sibling")  # never contacted: a to-do
    f.make_section(school, teacher, taught)
    guardian = f.make_guardian(school, first_name="Both")
    for child in (taught, sibling):
        f.link(child, guardian)
    f.make_interaction(taught, teacher, outcome="reached", occurred_at=NOW - timedelta(days=1))
    db.session.commit()
    page = login_as(teacher).get("/messaging/reach").get_data(as_text=True)
    assert guardian.display_name in page and "Taught" in page
    assert "Sibling" not in page
