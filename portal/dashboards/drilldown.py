"""The students behind one bar or point of a dashboard chart (always within the user's scope)."""

from datetime import date, datetime, timedelta

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, func, select

from portal.core.formats import format_number
from portal.dashboards.queries import grade_band
from portal.extensions import db
from portal.outcomes.models import AttendanceStatus, BehaviourIncident, DailyAttendance, Grade
from portal.people.models import GradingPeriod, Student
from portal.risk.models import RiskAssessment

CHARTS = ("attendance", "behaviour", "grades", "risk")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


def _listed(stmt) -> list[tuple[Student, str]]:
    rows = db.session.execute(stmt.order_by(Student.last_name, Student.first_name, Student.id))
    return [(student, detail) for student, detail in rows]


def absent_in_week(student_ids: Select, week: date) -> list[tuple[Student, str]]:
    """Return the students absent at least once in the week starting on this Monday."""
    absent = case((DailyAttendance.status.in_(AttendanceStatus.ABSENT), 1), else_=0)
    absences = func.sum(absent).label("absences")
    rows = _listed(
        select(Student, absences).join(DailyAttendance, DailyAttendance.student_id == Student.id)
        .where(Student.id.in_(student_ids),
               DailyAttendance.on_date.between(week, week + timedelta(days=6)))
        .group_by(Student.id).having(absences > 0))
    return [(student, _("%(n)d days absent", n=n)) for student, n in rows]


def incidents_in_week(student_ids: Select, week: date) -> list[tuple[Student, str]]:
    """Return the students with negative behaviour incidents in the week."""
    rows = _listed(
        select(Student, func.count(BehaviourIncident.id))
        .join(BehaviourIncident, BehaviourIncident.student_id == Student.id)
        .where(Student.id.in_(student_ids), BehaviourIncident.is_positive.is_(False),
               BehaviourIncident.occurred_at >= _midnight(week),
               BehaviourIncident.occurred_at < _midnight(week + timedelta(days=7)))
        .group_by(Student.id))
    return [(student, _("%(n)d incidents", n=n)) for student, n in rows]


def graded_in_band(student_ids: Select, period: str, band: str) -> list[tuple[Student, str]]:
    """Return the students with a grade in this band in the named grading period."""
    has_final = (select(Grade.id).join(GradingPeriod, GradingPeriod.id == Grade.grading_period_id)
                 .where(GradingPeriod.name == period, Grade.kind == "period",
                        Grade.student_id.in_(student_ids)).exists())
    kind = case((has_final, "period"), else_="assessment")
    rows = _listed(
        select(Student, func.count(Grade.id))
        .join(Grade, Grade.student_id == Student.id)
        .join(GradingPeriod, GradingPeriod.id == Grade.grading_period_id)
        .where(Student.id.in_(student_ids), GradingPeriod.name == period, Grade.kind == kind,
               grade_band() == band)
        .group_by(Student.id))
    return [(student, _("%(n)d grades in %(band)s", n=n, band=band)) for student, n in rows]


def at_level_on(student_ids: Select, day: date, level: str) -> list[tuple[Student, str]]:
    """Return the students whose last assessment of that day was at this level."""
    that_day = and_(RiskAssessment.computed_at >= _midnight(day),
                    RiskAssessment.computed_at < _midnight(day + timedelta(days=1)))
    last = (select(func.max(RiskAssessment.id))
            .where(RiskAssessment.student_id.in_(student_ids), that_day)
            .group_by(RiskAssessment.student_id))
    rows = _listed(
        select(Student, RiskAssessment.score)
        .join(RiskAssessment, RiskAssessment.student_id == Student.id)
        .where(RiskAssessment.id.in_(last), RiskAssessment.level == level))
    locale = get_locale()
    return [(student, _("score %(score)s", score=format_number(score, locale)))
            for student, score in rows]
