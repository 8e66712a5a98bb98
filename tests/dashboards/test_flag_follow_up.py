"""Since when a student is flagged (profile) and the follow-up within two weeks (dashboard)."""

from datetime import date, datetime, timedelta

from sqlalchemy import DateTime, literal, select

from portal.auth.models import Role
from portal.dashboards.flag_follow_up import _whole_days, flag_follow_up
from portal.extensions import db
from portal.outcomes.models import Intervention
from portal.people.models import Student
from portal.risk.models import RiskAssessment, RiskRuleSet
from portal.risk.queries import flagged_since
from tests import factories as f
from tests.conftest import TEST_NOW


def _history(student, rules, *levels):
    for day, level in levels:
        db.session.add(RiskAssessment(student_id=student.id, rule_set_id=rules.id,
                                      score=3 if level != "none" else 0, level=level,
                                      computed_at=datetime.fromisoformat(day)))


def _school_with_rules():
    school = f.make_school()
    rules = RiskRuleSet(school_id=school.id, version=1, settings={})
    db.session.add(rules)
    db.session.flush()
    return school, rules


def _world():
    school, rules = _school_with_rules()
    admin = f.make_user(Role.ADMINISTRATOR, school)
    a, b, c, d = (f.make_student(school) for _ in range(4))
    _history(a, rules, ("2026-10-01", "none"), ("2026-10-15", "watch"), ("2026-10-29", "high"),
             ("2026-11-20", "watch"))
    _history(b, rules, ("2026-09-01", "watch"), ("2026-10-01", "none"), ("2026-11-01", "watch"))
    _history(c, rules, ("2026-11-20", "watch"))
    _history(d, rules, ("2026-10-01", "watch"), ("2026-11-10", "none"))
    f.make_interaction(a, admin, outcome="reached", occurred_at=datetime(2026, 10, 20, 10))
    f.make_interaction(b, admin, outcome="reached", occurred_at=datetime(2026, 10, 25, 10))
    db.session.add(Intervention(student_id=b.id, reason="r", goal="g",
                                opened_on=date(2026, 11, 20)))
    db.session.commit()
    return admin, school, (a, b, c, d)


def test_a_flag_begins_after_the_latest_clear_assessment(app):
    _, school, (a, b, c, d) = _world()
    since = flagged_since(select(Student.id).where(Student.school_id == school.id))
    assert since == {a.id: datetime(2026, 10, 15), b.id: datetime(2026, 11, 1),
                     c.id: datetime(2026, 11, 20)}


def test_time_flagged_and_action_within_two_weeks(app):
    _, school, (_, b, _, _) = _world()
    scope = select(Student.id).where(Student.school_id == school.id)
    found = flag_follow_up(scope, TEST_NOW)
    assert found["flagged"] == 3 and found["median_days"] == 24
    assert found["buckets"] == [(0, 2, 1), (2, 4, 1), (4, 8, 1), (8, None, 0)]
    # a and b were flagged two weeks ago or earlier: a was contacted 5 days after its flag;
    # b's contact came before its flag and its intervention 19 days after.
    assert found["window_over"] == 2
    assert (found["contacted"], found["intervention"], found["either"]) == (50.0, 0.0, 50.0)
    db.session.add(Intervention(student_id=b.id, reason="r", goal="g",
                                opened_on=date(2026, 11, 10)))
    db.session.commit()
    again = flag_follow_up(scope, TEST_NOW)
    assert (again["intervention"], again["either"]) == (50.0, 100.0)


def test_the_dashboard_and_the_profile_say_it(app, login_as):
    admin, _, (a, _, _, d) = _world()
    client = login_as(admin)
    overview = client.get("/dashboards/").get_data(as_text=True)
    assert 'id="flag-follow-up"' in overview and "3 students are on the watch list" in overview
    assert "contacted 50%" in overview
    assert 'id="flagged-since"' in client.get(f"/students/{a.id}").get_data(as_text=True)
    assert 'id="flagged-since"' not in client.get(f"/students/{d.id}").get_data(as_text=True)


def test_buckets_and_median_at_the_edges_of_whole_days_and_weeks(app):
    """A flag exactly two, four or eight weeks old is in the older bucket, one a second
    younger in the newer; the median of an even count is the mean of the middle two."""
    school, rules = _school_with_rules()
    ages = [timedelta(weeks=2), timedelta(weeks=2) - timedelta(seconds=1), timedelta(weeks=4),
            timedelta(weeks=4) - timedelta(seconds=1), timedelta(weeks=8),
            timedelta(weeks=8) - timedelta(seconds=1), timedelta(0), timedelta(days=100)]
    for age in ages:
        _history(f.make_student(school), rules, ((TEST_NOW - age).isoformat(), "watch"))
    db.session.commit()
    scope = select(Student.id).where(Student.school_id == school.id)
    found = flag_follow_up(scope, TEST_NOW)
    assert found["buckets"] == [(0, 2, 2), (2, 4, 2), (4, 8, 2), (8, None, 2)]
    assert found["flagged"] == 8 and found["window_over"] == 6
    assert found["median_days"] == (27 + 28) / 2  # days 0, 13, 14, 27 | 28, 55, 56, 100
    _history(f.make_student(school), rules, ((TEST_NOW - timedelta(days=40)).isoformat(), "high"))
    db.session.commit()
    assert flag_follow_up(scope, TEST_NOW)["median_days"] == 28


def test_a_contact_or_intervention_counts_from_the_flags_day_to_two_weeks_after(app):
    """Eight students flagged at the same moment, each with one action at an edge of the two
    weeks: the day the flag began (earlier that day counts, the evening before does not),
    exactly two weeks after (counts) and a second or a day later (does not)."""
    school, rules = _school_with_rules()
    admin = f.make_user(Role.ADMINISTRATOR, school)
    began = datetime(2026, 11, 1, 15, 30)
    students = [f.make_student(school) for _ in range(8)]
    for student in students:
        _history(student, rules, (began.isoformat(), "watch"))
    contacts = [began.replace(hour=9), began.replace(hour=23, minute=59) - timedelta(days=1),
                began + timedelta(days=14), began + timedelta(days=14, seconds=1)]
    for student, moment in zip(students[:4], contacts, strict=True):
        f.make_interaction(student, admin, outcome="reached", occurred_at=moment)
    openings = [began.date(), began.date() - timedelta(days=1),
                began.date() + timedelta(days=14), began.date() + timedelta(days=15)]
    for student, day in zip(students[4:], openings, strict=True):
        db.session.add(Intervention(student_id=student.id, reason="r", goal="g", opened_on=day))
    db.session.commit()
    found = flag_follow_up(select(Student.id).where(Student.school_id == school.id), TEST_NOW)
    assert found["flagged"] == found["window_over"] == 8
    assert (found["contacted"], found["intervention"], found["either"]) == (25.0, 25.0, 50.0)
    assert found["median_days"] == 23  # 23 days and 23.5 hours


def test_a_flag_dated_ahead_of_the_clock_counts_as_new(app):
    """An assessment written after the moment the page is asked about (a clock set back)
    is a flag of less than two weeks, not one left out of every bucket."""
    school, rules = _school_with_rules()
    for age in (timedelta(days=-3), timedelta(days=20)):
        _history(f.make_student(school), rules, ((TEST_NOW - age).isoformat(), "watch"))
    db.session.commit()
    found = flag_follow_up(select(Student.id).where(Student.school_id == school.id), TEST_NOW)
    assert found["flagged"] == 2 and found["window_over"] == 1
    assert found["buckets"] == [(0, 2, 1), (2, 4, 1), (4, 8, 0), (8, None, 0)]


def test_the_database_counts_whole_days_flagged(app):
    """The flags are grouped by whole days flagged: a day and a half is one day, not 1.5
    (on SQLite `/` of integers written by SQLAlchemy is a true division)."""
    began = literal(TEST_NOW - timedelta(days=1, hours=12), DateTime)
    days = db.session.scalar(select(_whole_days(TEST_NOW, began)))
    assert days == 1 and isinstance(days, int)
