"""Read-only, aggregated selects behind the dashboards, limited to what the user may see.

Each query groups in the database (per day, per period and band, per level); Python only
folds the days into weeks.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, case, func, select, union_all

from portal.auth.models import Role, User
from portal.core.permissions import (
    visible_grade_levels,
    visible_school_ids,
    visible_schools,
    visible_student_ids,
)
from portal.core.time import monday_of
from portal.extensions import db
from portal.outcomes.models import (
    AttendanceWeek,
    BehaviourIncident,
    Grade,
    GradeBandCount,
    SchoolAttendanceWeek,
    SchoolGradeBandCount,
)
from portal.outcomes.queries import GRADE_PERCENT
from portal.people.models import (
    CounsellorAssignment,
    Enrollment,
    GradingPeriod,
    School,
    Section,
    Student,
)
from portal.people.queries import offers_classes
from portal.risk.level_counts import levels_by_day
from portal.risk.models import RiskAssessment

GRADE_BANDS = ((0, 50, "0–49"), (50, 60, "50–59"), (60, 70, "60–69"), (70, 80, "70–79"),
               (80, 90, "80–89"), (90, 101, "90–100"))


def scope(user: User, *, school_id: int | None = None, grade_level: int | None = None,
          section_id: int | None = None) -> Select:
    """Select the ids of the visible students matching the dashboard filters."""
    stmt = visible_student_ids(user, school_id=school_id)
    if grade_level is not None:
        stmt = stmt.where(Student.grade_level == grade_level)
    if section_id is not None:
        stmt = stmt.where(Student.id.in_(
            select(Enrollment.student_id).where(Enrollment.section_id == section_id)))
    return stmt


def filter_choices(user: User, school_id: int | None = None,
                   section_id: int | None = None) -> dict:
    """Return the user's schools, and the grade levels and sections their visible students
    (of the chosen school, if any) belong to. Across several schools no sections are listed
    but the one asked for (see offers_classes)."""
    schools = visible_schools(user)
    students = visible_student_ids(user, school_id=school_id)
    # The sections as a semi-join: a DISTINCT over every enrolment took ~25 ms at a school
    # of 1,500 (docs/performance.md).
    sections = (select(Section.id, Section.name)
                .where(Section.id.in_(select(Enrollment.section_id)
                                      .where(Enrollment.student_id.in_(students))))
                .order_by(Section.name, Section.id))
    need_school = not offers_classes(schools, school_id)
    if need_school:
        sections = sections.where(Section.id == section_id)
    return {"schools": schools,
            "grade_levels": visible_grade_levels(user, school_id=school_id),
            "sections": [tuple(row) for row in db.session.execute(sections)],
            "classes_need_school": need_school}


def week_of(day) -> date:
    """Return the Monday of a day's week (SQLite returns dates as text)."""
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    if isinstance(day, datetime):
        day = day.date()
    return monday_of(day)


def attendance_by_week(student_ids: Select, kept: "WholeGrades | None" = None) -> list[dict]:
    """Return per week: school days recorded, absences and the attendance rate (percent).

    Adds up the students' weekly totals (AttendanceWeek), not their daily rows; with `kept`
    (whole grade levels of schools), their schools' totals (SchoolAttendanceWeek) and the
    weekly totals of the others only.
    """
    rows = [row for table, condition in _sources(
                student_ids, kept, AttendanceWeek, SchoolAttendanceWeek)
            for row in db.session.execute(
                select(table.week_start, func.sum(table.days), func.sum(table.absences))
                .where(condition).group_by(table.week_start))]
    weeks: dict = defaultdict(lambda: [0, 0])
    for week, days, absences in rows:
        weeks[week_of(week)][0] += int(days)
        weeks[week_of(week)][1] += int(absences)
    return [{"week": week, "days": days, "absences": absences,
             "rate": round(100.0 * (days - absences) / days, 1)}
            for week, (days, absences) in sorted(weeks.items())]


def _sources(student_ids: Select, kept: "WholeGrades | None", per_student,
             per_school) -> list[tuple]:
    """Return (table, condition) pairs whose totals add up to the students' figure: each
    student's own totals, or with `kept` their schools' totals and the others' own."""
    if kept is None:
        return [(per_student, per_student.student_id.in_(student_ids))]
    sources = [(per_school, kept.covers(per_school))]
    if kept.others is not None:
        sources.append((per_student, per_student.student_id.in_(kept.others)))
    return sources


def behaviour_by_week(student_ids: Select) -> list[dict]:
    """Return the number of negative behaviour incidents per week."""
    day = func.date(BehaviourIncident.occurred_at)
    rows = db.session.execute(
        select(day, func.count()).where(BehaviourIncident.student_id.in_(student_ids),
                                        BehaviourIncident.is_positive.is_(False))
        .group_by(day))
    weeks = defaultdict(int)
    for on_day, count in rows:
        weeks[week_of(on_day)] += count
    return [{"week": week, "incidents": count} for week, count in sorted(weeks.items())]


def grade_band():
    """Return a SQL expression naming the band of a percentage."""
    return case(*[(GRADE_PERCENT < upper, label) for _, upper, label in GRADE_BANDS],
                else_="90–100")


def grade_distribution(student_ids: Select, kept: "WholeGrades | None" = None) -> dict:
    """Return {period name: {band: number of grades}} of period grades (or assessments).

    Adds up the students' counts per band (GradeBandCount), not their grades; with `kept`,
    their schools' counts (SchoolGradeBandCount) and the others' only.
    """
    # Summed by period id first, then named: grouping the joined rows by name took a third
    # longer (docs/performance.md).
    parts = [select(table.grading_period_id, table.kind, table.band,
                    func.sum(table.grades).label("grades"))
             .where(condition).group_by(table.grading_period_id, table.kind, table.band)
             for table, condition in _sources(student_ids, kept, GradeBandCount,
                                              SchoolGradeBandCount)]
    totals = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    rows = db.session.execute(
        select(GradingPeriod.name, GradingPeriod.starts_on, totals.c.kind, totals.c.band,
               totals.c.grades)
        .join(GradingPeriod, GradingPeriod.id == totals.c.grading_period_id)
        .order_by(GradingPeriod.starts_on, GradingPeriod.id))
    periods: dict[str, dict] = {}
    kinds: dict[str, set] = defaultdict(set)
    for name, _, kind, band, count in rows:  # a district's schools' "Q1" are one column
        label = GRADE_BANDS[band][2]
        bands = periods.setdefault(name, {"period": {}, "assessment": {}})[kind]
        bands[label] = bands.get(label, 0) + int(count)
        kinds[name].add(kind)
    # A period's final grades, once given, stand for it; before that its assessments do.
    return {name: counts["period"] if "period" in kinds[name] else counts["assessment"]
            for name, counts in periods.items()}


@dataclass(frozen=True)
class WholeGrades:
    """A dashboard's students as every student of some schools' grade levels (`grade_levels`
    None: all of them), plus `others` outside those: the risk chart reads the day counts
    kept for the first (risk/level_counts.py) and counts the others' assessments."""

    schools: Select
    grade_levels: Select | list[int] | None
    others: Select | None = None

    def covers(self, table) -> ColumnElement[bool]:
        """The condition keeping a school total's rows (SchoolAttendanceWeek, …) of these."""
        condition = table.school_id.in_(self.schools)
        if self.grade_levels is not None:
            condition = and_(condition, table.grade_level.in_(self.grade_levels))
        return condition


def whole_grades(user: User, scope: Select, *, school_id: int | None = None,
                 grade_level: int | None = None,
                 section_id: int | None = None) -> WholeGrades | None:
    """Return the dashboard's students (`scope`, under these filters) as whole grade levels
    where they are: an administrator's schools, a counsellor's assigned grade levels (their
    own students in other grades are the others); None when a section narrows them."""
    if section_id is not None or user.role not in (Role.ADMINISTRATOR, Role.COUNSELLOR):
        return None
    chosen = [grade_level] if grade_level is not None else None
    if user.role == Role.ADMINISTRATOR:
        schools = visible_school_ids(user)
        schools = schools if school_id is None else schools.where(School.id == school_id)
        return WholeGrades(schools, chosen)
    assigned = select(CounsellorAssignment.grade_level).where(
        CounsellorAssignment.counsellor_id == user.id,
        CounsellorAssignment.school_id == user.school_id)
    schools = select(School.id).where(School.id == user.school_id)
    if school_id is not None:
        schools = schools.where(School.id == school_id)
    others = select(Student.id).where(Student.id.in_(scope),
                                      Student.grade_level.not_in(assigned))
    grades = assigned if chosen is None else assigned.where(
        CounsellorAssignment.grade_level.in_(chosen))
    return WholeGrades(schools, grades, others)


def risk_levels_over_time(student_ids: Select, kept: WholeGrades | None = None) -> list[dict]:
    """Return per day the number of students at each level (their last assessment that day).

    With `kept`, the students are whole grade levels of schools (and others): their day
    counts kept as assessments are written are read, not their whole history of
    assessments (a student counts in the grade level they had that day).
    """
    if kept is None:
        rows = _levels_counted(student_ids)
    else:
        rows = levels_by_day(kept.schools, kept.grade_levels)
        if kept.others is not None:
            rows += _levels_counted(kept.others)
    days: dict = defaultdict(lambda: {"none": 0, "watch": 0, "high": 0})
    for on_day, level, count in rows:
        days[str(on_day)[:10]][level] += count
    return [{"day": on_day, **counts} for on_day, counts in sorted(days.items())]


def _levels_counted(student_ids: Select) -> list[tuple]:
    """Return (day, level, students) from the students' last assessment of each day."""
    day = func.date(RiskAssessment.computed_at)
    last_of_day = (select(func.max(RiskAssessment.id))
                   .where(RiskAssessment.student_id.in_(student_ids))
                   .group_by(RiskAssessment.student_id, day))
    return list(db.session.execute(
        select(day, RiskAssessment.level, func.count())
        .where(RiskAssessment.id.in_(last_of_day)).group_by(day, RiskAssessment.level)).all())


def period_averages(student_id: int) -> list[tuple[str, float]]:
    """Return a student's grade average per grading period, in order."""
    rows = db.session.execute(
        select(GradingPeriod.name, GradingPeriod.starts_on, func.avg(GRADE_PERCENT))
        .join(GradingPeriod, GradingPeriod.id == Grade.grading_period_id)
        .where(Grade.student_id == student_id)
        .group_by(GradingPeriod.name, GradingPeriod.starts_on).order_by(GradingPeriod.starts_on))
    return [(name, float(average)) for name, _, average in rows]
