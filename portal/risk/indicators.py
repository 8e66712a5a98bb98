"""A school's students' risk indicators, computed by grouped database queries.

Each query returns one aggregated row per student (or per student and week, period or
course), never the raw attendance or grade rows. Only records dated up to `today` count, so
an earlier day can be replayed. The family's contact with the school is computed apart
(`family_contact`): it is the school's to-do, never the student's risk.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select

from portal.events.models import (
    ConferenceSlot,
    Event,
    EventAttendance,
    EventInvitation,
    SlotStatus,
)
from portal.extensions import db
from portal.interactions.models import Interaction, Outcome
from portal.outcomes.models import AttendanceStatus, BehaviourIncident, DailyAttendance, Grade
from portal.people.models import AcademicTerm, Course, GradingPeriod, School, Section
from portal.people.queries import current_term
from portal.risk.scoring import steady_slope
from portal.risk.work_indicators import add_work_indicators

RECENT_DAYS = 28
TREND_WEEKS = 6  # the attendance trend looks at six weeks...
TREND_MIN_WEEKS = 4  # ...of which at least four have...
TREND_MIN_DAYS = 3  # ...at least three school days recorded
MIN_ASSESSMENTS = 3  # a course's assessments before their average stands for it
MAJOR = 3  # behaviour severity: 1 minor, 2 moderate, 3 major
PERCENT = 100.0 * Grade.score / func.nullif(Grade.max_score, 0)


def compute_indicators(school: School, student_ids: list[int], today: date) -> dict[int, dict]:
    """Return {student_id: indicators} for these students of the school, as of today."""
    term = current_term(school.id, today)
    term_start = term.starts_on if term else today - timedelta(days=365)
    found = {student_id: {} for student_id in student_ids}
    if not student_ids:
        return found
    _attendance(found, student_ids, term_start, today)
    _attendance_trend(found, student_ids, today)
    if term is not None:
        _grades(found, student_ids, term, today, school.pass_mark_percent)
        _past_failures(found, student_ids, term, school.pass_mark_percent)
        add_work_indicators(found, student_ids, term, today)
    _behaviour(found, student_ids, term_start, today)
    return found


def family_contact(school: School, student_ids: list[int], today: date) -> dict[int, dict]:
    """Return {student_id: days since the last successful family contact, missed events}."""
    term = current_term(school.id, today)
    term_start = term.starts_on if term else today - timedelta(days=365)
    found = {student_id: {} for student_id in student_ids}
    if student_ids:
        _family_contact(found, student_ids, term_start, today)
        _missed_events(found, student_ids, term_start, today)
    return found


def _end_of(today: date) -> datetime:
    return datetime.combine(today + timedelta(days=1), datetime.min.time())


def _rate(days: int, absences: int) -> float | None:
    return round(100.0 * (days - absences) / days, 1) if days else None


def _attendance(found: dict, student_ids: list[int], term_start: date, today: date) -> None:
    absent = DailyAttendance.status.in_(AttendanceStatus.ABSENT)
    recent = DailyAttendance.on_date > today - timedelta(days=RECENT_DAYS)
    rows = db.session.execute(
        select(DailyAttendance.student_id, func.count(),
               func.sum(case((absent, 1), else_=0)),
               func.sum(case((recent, 1), else_=0)),
               func.sum(case((and_(recent, absent), 1), else_=0)))
        .where(DailyAttendance.student_id.in_(student_ids),
               DailyAttendance.on_date.between(term_start, today))
        .group_by(DailyAttendance.student_id)
    )
    for student_id, days, absences, recent_days, recent_absences in rows:
        found[student_id].update({
            "attendance_days": days, "attendance_rate_term": _rate(days, absences),
            "attendance_rate_recent": _rate(recent_days, recent_absences)})


def week_bucket(column, today: date, weeks: int):
    """Return a SQL expression numbering the week (0 = the last 7 days) a date falls in."""
    whens = [(column > today - timedelta(days=7 * (n + 1)), n) for n in range(weeks)]
    return case(*whens, else_=weeks)


def _attendance_trend(found: dict, student_ids: list[int], today: date) -> None:
    week = week_bucket(DailyAttendance.on_date, today, TREND_WEEKS)
    absent = case((DailyAttendance.status.in_(AttendanceStatus.ABSENT), 1), else_=0)
    rows = db.session.execute(
        select(DailyAttendance.student_id, week, func.count(), func.sum(absent))
        .where(DailyAttendance.student_id.in_(student_ids),
               DailyAttendance.on_date > today - timedelta(days=7 * TREND_WEEKS),
               DailyAttendance.on_date <= today)
        .group_by(DailyAttendance.student_id, week)
    )
    weekly = defaultdict(list)
    for student_id, week_number, days, absences in rows:
        if days >= TREND_MIN_DAYS:  # a week of one or two days says little
            weekly[student_id].append((-week_number, _rate(days, absences)))
    for student_id, points in weekly.items():
        found[student_id]["attendance_trend"] = steady_slope(points, TREND_MIN_WEEKS)


def _grades(found: dict, student_ids: list[int], term: AcademicTerm, today: date,
            pass_mark: float) -> None:
    rows = db.session.execute(
        select(Grade.student_id, GradingPeriod.starts_on, Section.course_id, Course.is_core,
               Grade.kind, func.avg(PERCENT), func.count())
        .join(GradingPeriod, GradingPeriod.id == Grade.grading_period_id)
        .join(Section, Section.id == Grade.section_id)
        .join(Course, Course.id == Section.course_id)
        .where(Grade.student_id.in_(student_ids), GradingPeriod.term_id == term.id,
               GradingPeriod.starts_on <= today, Grade.recorded_on <= today)
        .group_by(Grade.student_id, GradingPeriod.starts_on, Section.course_id, Course.is_core,
                  Grade.kind)
    )
    # A period grade, when given, stands for the course; otherwise the assessments' average
    # once there are MIN_ASSESSMENTS of them (one early quiz is not a failing course).
    courses = defaultdict(dict)  # (student, period start) -> {course: (is_core, percent)}
    for student_id, period_start, course_id, is_core, kind, average, count in rows:
        period = courses[student_id, period_start]
        if kind == "period" or (course_id not in period and count >= MIN_ASSESSMENTS):
            period[course_id] = (is_core, float(average))
    by_student = defaultdict(list)
    for (student_id, period_start), period in courses.items():
        if period:
            by_student[student_id].append((period_start, period))
    for student_id, periods in by_student.items():
        periods.sort()
        averages = [sum(p for _, p in c.values()) / len(c) for _, c in periods]
        latest = {}  # each course's newest settled grade
        for _, period in periods:
            latest.update(period)
        found[student_id].update({
            "grade_average": round(sum(p for _, p in latest.values()) / len(latest), 1),
            "grade_change": round(averages[-1] - averages[-2], 1) if len(averages) > 1 else None,
            "failing_subjects": sum(1 for _, p in latest.values() if p < pass_mark),
            "failing_core_subjects": sum(1 for core, p in latest.values()
                                         if core and p < pass_mark),
        })


def _past_failures(found: dict, student_ids: list[int], term: AcademicTerm,
                   pass_mark: float) -> None:
    per_course = (
        select(Grade.student_id, Section.course_id, Section.term_id,
               func.avg(PERCENT).label("average"))
        .join(Section, Section.id == Grade.section_id)
        .join(AcademicTerm, AcademicTerm.id == Section.term_id)
        .where(Grade.student_id.in_(student_ids), AcademicTerm.starts_on < term.starts_on)
        .group_by(Grade.student_id, Section.course_id, Section.term_id)
        .subquery()
    )
    rows = db.session.execute(
        select(per_course.c.student_id, func.count())
        .where(per_course.c.average < pass_mark).group_by(per_course.c.student_id)
    )
    for student_id in student_ids:
        found[student_id]["past_course_failures"] = 0
    for student_id, failures in rows:
        found[student_id]["past_course_failures"] = failures


def _count_by_student(stmt, column) -> dict[int, int]:
    return dict(db.session.execute(stmt.group_by(column)).all())


def _behaviour(found: dict, student_ids: list[int], term_start: date, today: date) -> None:
    """Count negative incidents this term, and the serious ones: major or a suspension."""
    since = datetime.combine(term_start, datetime.min.time())
    until = _end_of(today)
    # Schools record a suspension as the incident's category or the action taken.
    serious = or_(BehaviourIncident.severity >= MAJOR,
                  func.lower(BehaviourIncident.category).like("%suspen%"),
                  func.lower(BehaviourIncident.action_taken).like("%suspen%"))
    rows = db.session.execute(
        select(BehaviourIncident.student_id, func.count(),
               func.sum(case((serious, 1), else_=0)))
        .where(BehaviourIncident.student_id.in_(student_ids),
               BehaviourIncident.is_positive.is_(False),
               BehaviourIncident.occurred_at >= since, BehaviourIncident.occurred_at < until)
        .group_by(BehaviourIncident.student_id)
    )
    counts = {student_id: (term, serious_count) for student_id, term, serious_count in rows}
    for student_id in student_ids:
        term_count, serious_count = counts.get(student_id, (0, 0))
        found[student_id]["behaviour_incidents_term"] = term_count
        found[student_id]["serious_incidents"] = int(serious_count or 0)


def _family_contact(found: dict, student_ids: list[int], term_start: date, today: date) -> None:
    last = _count_by_student(
        select(Interaction.student_id, func.max(Interaction.occurred_at))
        .where(Interaction.student_id.in_(student_ids),
               Interaction.outcome.in_(Outcome.SUCCESSFUL),
               Interaction.occurred_at < _end_of(today)),
        Interaction.student_id)
    for student_id in student_ids:
        moment = last.get(student_id)
        # Never reached this year counts from the first day of the term.
        since = moment.date() if moment else term_start
        found[student_id]["days_since_family_contact"] = max((today - since).days, 0)


def _missed_events(found: dict, student_ids: list[int], term_start: date, today: date) -> None:
    since = datetime.combine(term_start, datetime.min.time())
    until = datetime.combine(today, datetime.min.time())
    no_shows = _count_by_student(
        select(ConferenceSlot.student_id, func.count())
        .where(ConferenceSlot.student_id.in_(student_ids),
               ConferenceSlot.status == SlotStatus.NO_SHOW, ConferenceSlot.starts_at >= since),
        ConferenceSlot.student_id)
    came = select(EventAttendance.id).where(
        EventAttendance.event_id == EventInvitation.event_id,
        EventAttendance.guardian_id == EventInvitation.guardian_id)
    missed = _count_by_student(
        select(EventInvitation.student_id, func.count())
        .join(Event, Event.id == EventInvitation.event_id)
        .where(EventInvitation.student_id.in_(student_ids), EventInvitation.rsvp == "yes",
               Event.starts_at >= since, Event.ends_at < until, ~came.exists()),
        EventInvitation.student_id)
    for student_id in student_ids:
        found[student_id]["missed_parent_events"] = (no_shows.get(student_id, 0)
                                                     + missed.get(student_id, 0))
