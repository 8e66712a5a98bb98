"""A school's students' risk indicators, computed by grouped database queries.

Each query returns one aggregated row per student (or per student and period or course),
never the raw attendance or grade rows. The students are a scope (a subquery of ids with
their school's current term and pass mark): a few students of a school, or every student of
the district at once, so that a nightly recompute reads each table once. Only records dated
up to `today` count, so an earlier day can be replayed. The family's contact with the school
is computed apart (`family_contact`): it is the school's to-do, never the student's risk.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta
from math import fsum

from sqlalchemy import Date, Float, Integer, Select, and_, case, func, literal, or_, select, text

from portal.core.bulk import among
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
from portal.outcomes.queries import GRADE_PERCENT
from portal.people.models import AcademicTerm, School, Section, Student
from portal.people.queries import current_term, current_terms, term_start_of
from portal.risk.scoring import steady_slope
from portal.risk.work_indicators import (
    Gradebook,
    add_work_indicators,
    gradebook_figures,
    run_query,
)

RECENT_DAYS = 28
TREND_WEEKS = 6  # the attendance trend looks at six weeks...
TREND_MIN_WEEKS = 4  # ...of which at least four have...
TREND_MIN_DAYS = 3  # ...at least three school days recorded
MIN_ASSESSMENTS = 3  # a course's assessments before their average stands for it
MAJOR = 3  # behaviour severity: 1 minor, 2 moderate, 3 major


def district_pass_settings(connection) -> None:
    """Set this transaction up for statements over a whole district's rows (PostgreSQL):
    memory to group a district's grades in rather than in files."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL work_mem = '64MB'"))


def compute_indicators(school: School, student_ids: list[int], today: date) -> dict[int, dict]:
    """Return {student_id: indicators} for these students of the school, as of today."""
    term = current_term(school.id, today)
    students = select(Student.id.label("student_id"),
                      literal(term.id if term else None, Integer).label("term_id"),
                      literal(term_start_of(term, today), Date).label("term_start"),
                      literal(school.pass_mark_percent, Float).label("pass_mark"))
    return scope_indicators(students.where(Student.id.in_(student_ids)), today,
                            expected=student_ids)


def district_indicators(today: date, school_ids: list[int]) -> dict[int, dict[int, dict]]:
    """Return {school_id: {student_id: indicators}} for every active student of these schools.

    The same queries as compute_indicators, each run once over all the schools (one pass
    over the district's attendance and grades) rather than once per school.
    """
    district_pass_settings(db.session.connection())
    newest = {school_id: term.id for school_id, term
              in current_terms(dict.fromkeys(school_ids, today)).items()}
    students = (
        select(Student.id.label("student_id"), AcademicTerm.id.label("term_id"),
               func.coalesce(AcademicTerm.starts_on,
                             literal(term_start_of(None, today), Date)).label("term_start"),
               School.pass_mark_percent.label("pass_mark"))
        .join(School, School.id == Student.school_id)
        .outerjoin(AcademicTerm, and_(AcademicTerm.school_id == Student.school_id,
                                      AcademicTerm.id.in_(list(newest.values()) or [-1])))
        .where(Student.is_active.is_(True), Student.school_id.in_(school_ids)))
    found = scope_indicators(students, today)
    by_school = defaultdict(dict)
    for student_id, school_id in db.session.execute(
            select(Student.id, Student.school_id)
            .where(Student.is_active.is_(True), Student.school_id.in_(school_ids))):
        if student_id in found:
            by_school[school_id][student_id] = found[student_id]
    return by_school


def scope_indicators(students: Select, today: date,
                     expected: list[int] | None = None) -> dict[int, dict]:
    """Compute the indicators of a scope of students: a query giving each student's id, their
    school's current term (id or None, and its first day) and the school's pass mark."""
    db.session.flush()  # the queries below run on the session's connection, unflushed
    scope = students.subquery("scope")
    found = {student_id: {} for student_id in expected or ()}
    with_term = {}  # student -> their school's pass mark, for students whose school has a term
    latest_start = None  # the latest first day of their terms
    for student_id, term_id, term_start, pass_mark in run_query(select(scope)):
        found.setdefault(student_id, {})
        if term_id is not None:
            with_term[student_id] = pass_mark
            latest_start = max(latest_start or term_start, term_start)
    if not found:
        return found
    _attendance(found, scope, today)
    if with_term:
        figures = gradebook_figures(scope, today, MIN_ASSESSMENTS)
        _grades(found, figures, with_term)
        _past_failures(found, scope, with_term, latest_start)
        add_work_indicators(found, scope, today, list(with_term), figures)
    _behaviour(found, scope, today)
    return found


def family_contact(student_ids: list[int], term_start: date, today: date) -> dict[int, dict]:
    """Return {student_id: days since the last successful family contact, missed events},
    counted from the first day of their school's term (term_start_of)."""
    found = {student_id: {} for student_id in student_ids}
    if student_ids:
        _family_contact(found, student_ids, term_start, today)
    return found


def end_of_day(day: date) -> datetime:
    """The first moment after the day (what happened that day is before it)."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time())


def _rate(days: int, absences: int) -> float | None:
    return round(100.0 * (days - absences) / days, 1) if days else None


def _attendance(found: dict, scope, today: date) -> None:
    """Rates this term and in the last four weeks, and the weekly trend: one pass."""
    day = DailyAttendance.on_date
    absent = DailyAttendance.status.in_(AttendanceStatus.ABSENT)
    in_term = day >= scope.c.term_start
    recent = and_(in_term, day > today - timedelta(days=RECENT_DAYS))
    weeks = [and_(day > today - timedelta(days=7 * (n + 1)), day <= today - timedelta(days=7 * n))
             for n in range(TREND_WEEKS)]
    counts = [in_term, and_(in_term, absent), recent, and_(recent, absent)]
    for week in weeks:
        counts += [week, and_(week, absent)]
    rows = run_query(
        select(scope.c.student_id, *(func.sum(case((when, 1), else_=0)) for when in counts))
        .join(DailyAttendance, DailyAttendance.student_id == scope.c.student_id)
        .where(day <= today,
               or_(in_term, day > today - timedelta(days=7 * TREND_WEEKS)))
        .group_by(scope.c.student_id))
    for student_id, days, absences, recent_days, recent_absences, *weekly in rows:
        if days:
            found[student_id].update({
                "attendance_days": days, "attendance_rate_term": _rate(days, absences),
                "attendance_days_recent": recent_days,
                "attendance_rate_recent": _rate(recent_days, recent_absences)})
        # Oldest week first; a week of one or two days says little.
        points = [(-number, _rate(weekly[2 * number], weekly[2 * number + 1]))
                  for number in reversed(range(TREND_WEEKS))
                  if weekly[2 * number] >= TREND_MIN_DAYS]
        if points:
            found[student_id]["attendance_trend"] = steady_slope(points, TREND_MIN_WEEKS)


def _grades(found: dict, figures: Gradebook, pass_marks: dict[int, float]) -> None:
    """Grade average, its change since the previous period and failing subjects, from each
    course's settled percent per period (gradebook_figures)."""
    for student_id, by_start in figures.periods.items():
        pass_mark = pass_marks[student_id]
        starts = sorted(by_start)
        newest = figures.newest[student_id].values()
        found[student_id].update({
            # fsum: the same figure whatever order the database returned the courses in
            "grade_average": round(fsum(p for _, _, p in newest) / len(newest), 1),
            "grade_change": round(_mean(by_start[starts[-1]]) - _mean(by_start[starts[-2]]), 1)
            if len(starts) > 1 else None,
            "failing_subjects": sum(1 for _, _, p in newest if p < pass_mark),
            "failing_core_subjects": sum(1 for _, core, p in newest if core and p < pass_mark),
        })


def _mean(percents: list[float]) -> float:
    """The exact mean (math.fsum), whatever the order of the percents."""
    return fsum(percents) / len(percents)


def _past_failures(found: dict, scope, pass_marks: dict[int, float], latest_start: date) -> None:
    for student_id in pass_marks:
        found[student_id]["past_course_failures"] = 0
    if db.session.scalar(select(AcademicTerm.id).where(AcademicTerm.starts_on < latest_start)
                         .limit(1)) is None:
        return  # no earlier term anywhere (a new district): no need to read the grades
    per_course = (
        select(Grade.student_id, scope.c.pass_mark, func.avg(GRADE_PERCENT).label("average"))
        .join(scope, scope.c.student_id == Grade.student_id)
        .join(Section, Section.id == Grade.section_id)
        .join(AcademicTerm, AcademicTerm.id == Section.term_id)
        .where(scope.c.term_id.is_not(None), AcademicTerm.starts_on < scope.c.term_start)
        .group_by(Grade.student_id, scope.c.pass_mark, Section.course_id, Section.term_id)
        .subquery()
    )
    rows = run_query(
        select(per_course.c.student_id, func.count())
        .where(per_course.c.average < per_course.c.pass_mark).group_by(per_course.c.student_id)
    )
    for student_id, failures in rows:
        found[student_id]["past_course_failures"] = failures


def _behaviour(found: dict, scope, today: date) -> None:
    """Count negative incidents this term, and the serious ones: major or a suspension."""
    # Schools record a suspension as the incident's category or the action taken.
    serious = or_(BehaviourIncident.severity >= MAJOR,
                  func.lower(BehaviourIncident.category).like("%suspen%"),
                  func.lower(BehaviourIncident.action_taken).like("%suspen%"))
    rows = run_query(
        select(BehaviourIncident.student_id, func.count(),
               func.sum(case((serious, 1), else_=0)))
        .join(scope, scope.c.student_id == BehaviourIncident.student_id)
        .where(BehaviourIncident.is_positive.is_(False),
               BehaviourIncident.occurred_at >= scope.c.term_start,
               BehaviourIncident.occurred_at < end_of_day(today))
        .group_by(BehaviourIncident.student_id)
    )
    counts = {student_id: (term, serious_count) for student_id, term, serious_count in rows}
    for student_id, indicators in found.items():
        term_count, serious_count = counts.get(student_id, (0, 0))
        indicators["behaviour_incidents_term"] = term_count
        indicators["serious_incidents"] = int(serious_count or 0)


def last_family_contacts(within, today: date) -> Select:
    """Select (student_id, last_contact): each student's last successful family contact up to
    today; `within(column)` says which students (a list of ids or a select of them)."""
    return (select(Interaction.student_id, func.max(Interaction.occurred_at).label("last_contact"))
            .where(within(Interaction.student_id), Interaction.outcome.in_(Outcome.SUCCESSFUL),
                   Interaction.occurred_at < end_of_day(today))
            .group_by(Interaction.student_id))


def missed_parent_events(within, term_start: date, today: date) -> list[Select]:
    """Select (student_id, missed) twice: conferences the family did not come to, and events
    they said yes to and missed, since the first day of the term (`within` as above)."""
    since = datetime.combine(term_start, datetime.min.time())
    until = datetime.combine(today, datetime.min.time())
    came = select(EventAttendance.id).where(
        EventAttendance.event_id == EventInvitation.event_id,
        EventAttendance.guardian_id == EventInvitation.guardian_id)
    return [
        select(ConferenceSlot.student_id, func.count().label("missed"))
        .where(within(ConferenceSlot.student_id), ConferenceSlot.status == SlotStatus.NO_SHOW,
               ConferenceSlot.starts_at >= since)
        .group_by(ConferenceSlot.student_id),
        select(EventInvitation.student_id, func.count().label("missed"))
        .join(Event, Event.id == EventInvitation.event_id)
        .where(within(EventInvitation.student_id), EventInvitation.rsvp == "yes",
               Event.starts_at >= since, Event.ends_at < until, ~came.exists())
        .group_by(EventInvitation.student_id)]


def _family_contact(found: dict, student_ids: list[int], term_start: date, today: date) -> None:
    def within(column):
        return among(column, student_ids)

    last = dict(db.session.execute(last_family_contacts(within, today)).all())
    missed = defaultdict(int)
    for statement in missed_parent_events(within, term_start, today):
        for student_id, count in db.session.execute(statement):
            missed[student_id] += count
    for student_id in student_ids:
        moment = last.get(student_id)
        # Never reached this year counts from the first day of the term.
        since = moment.date() if moment else term_start
        found[student_id]["days_since_family_contact"] = max((today - since).days, 0)
        found[student_id]["missed_parent_events"] = missed[student_id]
