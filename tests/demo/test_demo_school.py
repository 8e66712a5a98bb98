"""The demo school: realistic and deterministic (loaded once, read by every test here)."""

import re
from collections import Counter, defaultdict
from datetime import date

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.auth.models import Role, User
from portal.demo.names import plan_families
from portal.demo.school import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    load_demo_school,
    school_days,
    school_year_start,
)
from portal.events.models import ConferenceSlot, Event, EventKind, SlotStatus
from portal.extensions import db
from portal.interactions.models import Channel, Direction, Interaction, Outcome
from portal.needs.models import Need, NeedKind, NeedStatus
from portal.outcomes.models import (
    AttendanceStatus,
    BehaviourIncident,
    DailyAttendance,
    Grade,
    Program,
    ProgramKind,
    WorkMark,
)
from portal.people.models import (
    AcademicTerm,
    Enrollment,
    Guardian,
    Relationship,
    Section,
    Student,
    StudentGuardian,
)
from tests.conftest import config_for, empty_all_tables

TODAY = date(2025, 12, 3)  # a Wednesday, a week after Thanksgiving


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture(scope="module")
def demo(database_url):
    """Load the demo school as of TODAY once for this module's read-only tests."""
    app = create_app(config_for(database_url))
    with app.app_context():
        summary = load_demo_school(today=TODAY)
        db.session.commit()
        yield summary
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


def test_every_demo_account_signs_in_with_the_demo_password(demo):
    for email, role, _ in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.role == role
        assert user.activated_at is not None
        assert user.check_password(DEMO_PASSWORD)
    teachers = db.session.scalars(select(User).where(User.role == Role.TEACHER)).all()
    assert len(teachers) >= 12
    assert all(t.email.endswith("@demo.school") for t in teachers)
    assert teachers[-1].check_password(DEMO_PASSWORD)


def test_every_teacher_has_sections_and_the_lead_teacher_teaches_math_9_and_10(demo):
    teachers = db.session.scalars(select(User).where(User.role == Role.TEACHER)).all()
    taught = {t.email: db.session.scalars(select(Section).where(Section.teacher_id == t.id)).all()
              for t in teachers}
    assert all(taught.values())
    lead_sections = taught["teacher@demo.school"]
    assert {s.grade_level for s in lead_sections} == {9, 10}
    assert {s.course.name for s in lead_sections} == {"Mathematics"}


def test_demo_parent_has_exactly_two_children_in_the_demo_staffs_care(demo):
    parent = db.session.scalar(select(User).where(User.email == "parent@demo.school"))
    guardian = db.session.scalar(select(Guardian).where(Guardian.user_id == parent.id))
    assert guardian.display_name == "Maria García"
    assert guardian.preferred_language == "en"
    children = [link.student for link in guardian.student_links]
    assert sorted(child.grade_level for child in children) == [9, 10]
    counsellor = db.session.scalar(select(User).where(User.email == "counsellor@demo.school"))
    teacher = db.session.scalar(select(User).where(User.email == "teacher@demo.school"))
    for child in children:
        assert child.counsellor_id == counsellor.id
        taught_by = db.session.scalars(
            select(Section.teacher_id).join(Enrollment, Enrollment.section_id == Section.id)
            .where(Enrollment.student_id == child.id)).all()
        assert teacher.id in taught_by


def test_families_have_siblings_separated_households_and_restricted_links(demo):
    links = db.session.scalars(select(StudentGuardian)).all()
    children_per_guardian = Counter(link.guardian_id for link in links)
    assert sum(1 for n in children_per_guardian.values() if n >= 2) >= 20
    assert 3 in children_per_guardian.values()
    households = defaultdict(set)
    lives_with = defaultdict(set)
    for link in links:
        if link.household:
            households[link.student_id].add(link.household)
            lives_with[link.student_id].add(link.lives_with)
    two_homes = [sid for sid, labels in households.items() if len(labels) == 2]
    assert 10 <= len(two_homes) <= 40
    assert all(lives_with[sid] == {True, False} for sid in two_homes)
    assert any(not link.may_receive_information for link in links)
    assert all(any(link.is_emergency_contact for link in student.guardian_links)
               for student in db.session.scalars(select(Student)))


def test_guardians_mix_accounts_email_only_phone_only_and_languages(demo):
    guardians = db.session.scalars(select(Guardian)).all()
    with_account = [g for g in guardians if g.user_id]
    assert 0.5 <= len(with_account) / len(guardians) <= 0.7
    assert any(g.user.activated_at is None for g in with_account)
    assert any(g.user_id is None and g.email for g in guardians)
    assert any(g.email is None and g.phone for g in guardians)
    assert {"en", "es", "fr"} <= {g.preferred_language for g in guardians}
    assert all(g.search_name for g in guardians)


def test_student_names_follow_the_seeded_family_plan(demo):
    planned = [(child.first_name, child.last_name)
               for family in plan_families(seed=2026, school_year_start=2025)
               for child in family.children]
    loaded = db.session.execute(
        select(Student.first_name, Student.last_name).order_by(Student.id)).all()
    assert [tuple(row) for row in loaded] == planned


@pytest.mark.parametrize(("written", "typed"), [
    ("Novák", "novak"), ("Dvořák", "dvorak"), ("Díaz", "diaz"), ("Nguyễn", "nguyen"),
    ("Côté", "cote"), ("Weiß", "weiss"), ("Ó Briain", "o briain")])
def test_accented_names_are_kept_as_written_and_found_without_accents(demo, written, typed):
    """The seeded plan has these families; typing the name without accents finds exactly them."""
    written_so = set(db.session.scalars(select(Student.id).where(Student.last_name == written)))
    found = set(db.session.scalars(select(Student.id).where(Student.search_name.contains(typed))))
    assert written_so and found == written_so


def test_the_family_plan_is_the_same_for_the_same_seed_only():
    first = plan_families(seed=2026, school_year_start=2025)
    assert first == plan_families(seed=2026, school_year_start=2025)
    assert first != plan_families(seed=7, school_year_start=2025)


def test_daily_attendance_is_recorded_on_school_days_up_to_today_only(demo):
    term = db.session.scalar(select(AcademicTerm))
    assert term.starts_on == date(2025, 9, 1)
    expected_days = school_days(term.starts_on, TODAY)
    per_student = Counter(db.session.scalars(select(DailyAttendance.student_id)))
    assert len(per_student) == demo.students
    assert set(per_student.values()) == {len(expected_days)}
    days = set(db.session.scalars(select(DailyAttendance.on_date).distinct()))
    assert days == set(expected_days)
    assert all(day.weekday() < 5 for day in days)
    assert max(days) == TODAY
    assert date(2025, 11, 27) not in days  # Thanksgiving
    assert demo.attendance_rows == _count(DailyAttendance)


def test_some_students_are_chronically_absent(demo):
    statuses = defaultdict(list)
    for student_id, status in db.session.execute(
            select(DailyAttendance.student_id, DailyAttendance.status)):
        statuses[student_id].append(status)
    rates = [sum(s.startswith("absent") for s in days) / len(days) for days in statuses.values()]
    chronic = sum(1 for rate in rates if rate >= 0.1)
    assert 0.05 * len(rates) <= chronic <= 0.25 * len(rates)


def test_grades_stop_at_today_with_period_grades_for_the_ended_quarter(demo):
    assert db.session.scalar(select(func.max(Grade.recorded_on))) <= TODAY
    kinds = Counter(db.session.scalars(select(Grade.kind)))
    assert kinds["assessment"] > 5000
    # Only Quarter 1 has ended by December 3: one period grade per enrolment.
    assert kinds["period"] == _count(Enrollment)
    assert demo.grades == _count(Grade)


def test_some_work_is_missing_late_or_excused_and_chronic_absentees_miss_more(demo):
    marks = db.session.execute(select(WorkMark.student_id, WorkMark.status, WorkMark.due_on,
                                      WorkMark.section_id, WorkMark.assessment_name)).all()
    kinds = Counter(status for _, status, *_ in marks)
    assessments = _count(Grade) - _count(Enrollment) + kinds["missing"] + kinds["excused"]
    assert 0.02 < kinds["missing"] / assessments < 0.10
    assert 0.03 < kinds["late"] / assessments < 0.15 and kinds["excused"] > 0
    assert max(due for _, _, due, *_ in marks) <= TODAY
    absences = Counter(db.session.scalars(select(DailyAttendance.student_id).where(
        DailyAttendance.status.like("absent%"))))
    days = Counter(db.session.scalars(select(DailyAttendance.student_id)))
    chronic = {sid for sid in days if absences[sid] / days[sid] >= 0.15}
    missing = Counter(sid for sid, status, *_ in marks if status == "missing")
    per_chronic = sum(missing[sid] for sid in chronic) / len(chronic)
    per_other = sum(missing[sid] for sid in days if sid not in chronic) / (len(days) - len(chronic))
    assert per_chronic > 3 * per_other
    scored = set(db.session.execute(select(Grade.student_id, Grade.section_id,
                                           Grade.assessment_name)).all())
    assert not any((sid, section, name) in scored for sid, status, _, section, name in marks
                   if status in ("missing", "excused"))


def test_follow_ups_include_overdue_ones_for_the_demo_counsellor(demo):
    counsellor = db.session.scalar(select(User).where(User.email == "counsellor@demo.school"))
    overdue = db.session.scalars(select(Interaction).where(
        Interaction.follow_up_owner_id == counsellor.id, Interaction.follow_up_due_on < TODAY,
        Interaction.follow_up_done_at.is_(None))).all()
    assert overdue
    assert db.session.scalar(select(func.count()).select_from(Guardian).where(
        Guardian.last_successful_contact_at.is_not(None))) > 0


def test_events_are_in_the_right_place_in_time_with_unique_uids(demo):
    events = {event.kind: event for event in db.session.scalars(select(Event))}
    assert events["school_event"].starts_at.date() < TODAY
    assert events["conference"].starts_at.date() > TODAY
    assert events["parent_workshop"].rsvp_requested
    assert len({event.uid for event in events.values()}) == len(events)


def test_every_coded_value_is_one_the_models_know(demo):
    assert set(db.session.scalars(select(Need.kind))) <= set(NeedKind.ALL)
    assert set(db.session.scalars(select(Need.status))) <= set(NeedStatus.ALL)
    assert set(db.session.scalars(select(Interaction.channel))) <= set(Channel.ALL)
    assert set(db.session.scalars(select(Interaction.direction))) <= set(Direction.ALL)
    assert set(db.session.scalars(select(Interaction.outcome))) <= set(Outcome.ALL)
    assert set(db.session.scalars(select(Event.kind))) <= set(EventKind.ALL)
    assert set(db.session.scalars(select(ConferenceSlot.status))) <= set(SlotStatus.ALL)
    assert set(db.session.scalars(select(Program.kind))) <= set(ProgramKind.ALL)
    assert set(db.session.scalars(select(DailyAttendance.status))) <= set(AttendanceStatus.ALL)
    assert set(db.session.scalars(select(BehaviourIncident.severity))) <= {1, 2, 3}
    assert set(db.session.scalars(select(StudentGuardian.relationship_kind))) <= set(
        Relationship.ALL)


def test_every_column_marked_as_a_code_holds_codes_only(demo):
    """Erasure does not search a CODE column for names, emails or phone numbers, so none
    may hold one: every value is one word of at most 30 characters, starting with a letter."""
    word = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,29}")
    seen = set()
    for table in db.metadata.sorted_tables:
        for column in (column for column in table.columns if column.info.get("code")):
            values = set(db.session.scalars(select(column).distinct())) - {None}
            assert [value for value in values if not word.fullmatch(value)] == [], column
            if values:
                seen.add(str(column))
    assert {"daily_attendance.status", "grades.kind", "work_marks.status",
            "interactions.channel", "guardians.preferred_language"} <= seen


def test_school_year_starts_in_september_of_the_right_year():
    assert school_year_start(date(2025, 8, 1)) == 2025
    assert school_year_start(date(2026, 3, 15)) == 2025


def test_the_demo_parent_is_invited_to_the_conferences_and_can_book(demo):
    from portal.events.models import EventInvitation

    parent = db.session.scalar(select(User).where(User.email == "parent@demo.school"))
    guardian = db.session.scalar(select(Guardian).where(Guardian.user_id == parent.id))
    conference = db.session.scalar(select(Event).where(Event.kind == "conference"))
    invited = db.session.scalar(select(EventInvitation).where(
        EventInvitation.event_id == conference.id, EventInvitation.guardian_id == guardian.id))
    assert invited is not None
    open_slots = db.session.scalars(select(ConferenceSlot).where(
        ConferenceSlot.event_id == conference.id, ConferenceSlot.status == SlotStatus.OPEN)).all()
    assert open_slots
