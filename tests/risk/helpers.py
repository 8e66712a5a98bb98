"""Hand-built school records for the risk and dashboard tests."""

from contextlib import contextmanager
from datetime import date, datetime, timedelta

from flask_migrate import upgrade
from sqlalchemy import column, insert, table

from portal import create_app
from portal.extensions import db
from portal.outcomes.models import BehaviourIncident, DailyAttendance, Grade, WorkMark
from portal.people.models import GradingPeriod
from portal.risk.models import RiskRuleSet
from tests import factories
from tests.conftest import config_for

TODAY = date(2026, 11, 20)  # a Friday in the second quarter of the factories' 2026–27 term


def school_days(until: date, count: int) -> list[date]:
    """Return the last `count` weekdays up to and including `until`, oldest first."""
    days, day = [], until
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def record_attendance(student, days: list[date], absent_on: set[date] = frozenset()) -> None:
    """Record a day for each date: absent (unexcused) on `absent_on`, present otherwise."""
    for day in days:
        db.session.add(DailyAttendance(
            school_id=student.school_id, student_id=student.id, on_date=day,
            status="absent_unexcused" if day in absent_on else "present",
            recorded_at=datetime.combine(day, datetime.min.time())))
    db.session.flush()


def give_grade(student, section, period: GradingPeriod, score: float, *,
               kind: str = "period") -> Grade:
    """Record a grade out of 100 for a student in a section and grading period."""
    grade = Grade(student_id=student.id, section_id=section.id, grading_period_id=period.id,
                  kind=kind, score=score, max_score=100.0, recorded_on=period.starts_on)
    db.session.add(grade)
    db.session.flush()
    return grade


def record_incidents(student, count: int, on: date) -> None:
    """Record `count` negative behaviour incidents on a day."""
    for _ in range(count):
        db.session.add(BehaviourIncident(student_id=student.id, category="disruption",
                                         description="Disrupted the lesson",
                                         occurred_at=datetime.combine(on, datetime.min.time())))
    db.session.flush()


# The assessments table as migrations before 0020 left it, for tests of later migrations.
OLD_ASSESSMENTS = table("risk_assessments", *(column(name) for name in (
    "student_id", "rule_set_id", "score", "level", "reasons", "computed_at", "is_new_flag")))


@contextmanager
def school_at_revision(tmp_path, revision: str):
    """Yield (school, its rule set) in a new SQLite database migrated only to `revision`,
    in its app context; the database is let go after."""
    app = create_app(config_for(f"sqlite:///{tmp_path / 'old.db'}"))
    with app.app_context():
        upgrade(revision=revision)
        school = factories.make_school()
        rules = RiskRuleSet(school_id=school.id, version=1, settings={})
        db.session.add(rules)
        db.session.flush()
        try:
            yield school, rules
        finally:
            db.engine.dispose()


def add_old_assessment(**values) -> None:
    """Insert an assessment into a database not yet migrated to the head (no reasons)."""
    db.session.execute(insert(OLD_ASSESSMENTS).values(
        **{"score": 0, "reasons": "[]", "is_new_flag": False, **values}))


def varied_school(pass_mark: float, past_term: bool = False):
    """A school whose students differ in attendance, grades, work and behaviour."""
    school = factories.make_school(pass_mark_percent=pass_mark)
    term = factories.make_term(school)
    days = school_days(TODAY, 45)
    students = [factories.make_student(school) for _ in range(7)]
    steady, absent, declining, failing, missing, unruly, new = students
    record_attendance(steady, days)
    record_attendance(absent, days, absent_on=set(days[::3]))
    record_attendance(declining, days, absent_on=set(days[-9:]))
    record_attendance(failing, days[-12:], absent_on={days[-2]})  # too few days to vote
    record_attendance(unruly, days, absent_on=set(days[-5:-2]))
    maths = factories.make_section(school, None, *students[:6], term=term)
    art = factories.make_section(school, None, *students[:6], term=term, subject="Art",
                                 is_core=False)
    q1, q2 = term.grading_periods[:2]
    for n, student in enumerate(students[:6]):
        give_grade(student, maths, q1, 45 if student is failing else 70 + 3 * n)
        give_grade(student, art, q1, 58 if student is failing else 80 - n)
        scores = (30, 50, 41) if student is failing else (90 - 9 * n, 75, 68 + n)
        for offset, score in zip((30, 18, 4), scores, strict=True):
            grade = give_grade(student, maths, q2, score, kind="assessment")
            grade.recorded_on = TODAY - timedelta(days=offset)
    for status, due in (("missing", 3), ("missing", 10), ("late", 20), ("excused", 5)):
        db.session.add(WorkMark(student_id=missing.id, section_id=maths.id,
                                grading_period_id=q2.id, assessment_name=f"{status} {due}",
                                status=status, due_on=TODAY - timedelta(days=due)))
    record_incidents(unruly, 3, TODAY - timedelta(days=6))
    if past_term:
        last_year = factories.make_term(school, starts_on=date(2025, 9, 1),
                                        ends_on=date(2026, 6, 15))
        old = factories.make_section(school, None, failing, new, term=last_year)
        give_grade(failing, old, last_year.grading_periods[0], 35)
    db.session.flush()
    return school, students, maths
