"""Attendance nudges: tell a family when their child's absences this year pass the school's
threshold, with the running total beside what is typical in the same grade (Rogers &
Feller 2018: such mailings cut chronic absence by 10 % or more), framed as "you can help".

At the school's second, higher threshold (persistent absence) the message steps up: an
invitation to talk, and a task for the counsellor in their work list. A student's family
hears at most one nudge (of either level) per `nudge_repeat_days`. The daily job runs
`send_attendance_nudges()`; messages wait for the sending window like any update.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from statistics import median

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, true

from portal.core.jobs import checkpointed
from portal.core.time import today_in, utcnow
from portal.extensions import db
from portal.messaging.automatic import informed_guardians
from portal.messaging.holdout import held_out_guardian_ids
from portal.messaging.models import AttendanceNudge, NudgeLevel, NudgeProgram, UpdateKind
from portal.messaging.nudge_texts import nudge_text
from portal.messaging.services import notify_guardian, wants_update
from portal.needs.models import Need, NeedStatus
from portal.notifications.queries import counsellors_of
from portal.outcomes.queries import absence_totals
from portal.people.changes import add_record
from portal.people.models import AcademicTerm, Guardian, School, Student

# Below this many days absent nobody is nudged (one day off in the first week is 20 %).
MIN_ABSENCES = 3
COUNSELLOR_TASK_DAYS = 5


def nudge_level(*, absences: int, days: int, school: School) -> str | None:
    """Return which nudge the totals call for at this school, or None."""
    if absences < MIN_ABSENCES or not days:
        return None
    share = 100.0 * absences / days
    if share >= school.nudge_step_up_percent:
        return NudgeLevel.STEP_UP
    return NudgeLevel.NUDGE if share >= school.nudge_threshold_percent else None


def eligible_families(*, school: School, student: Student,
                      held_out: frozenset[int] = frozenset()) -> list[Guardian]:
    """Return the guardians who get a nudge about this student (school on, family not opted
    out of absence updates, link allows information, not in the measurement's holdout)."""
    if not school.attendance_nudges_enabled:
        return []
    return [guardian for guardian in informed_guardians(student)
            if guardian.id not in held_out and wants_update(guardian, UpdateKind.ABSENCE)]


def _year_start(school: School, today: date) -> date | None:
    return db.session.scalar(select(AcademicTerm.starts_on).where(
        AcademicTerm.school_id == school.id, AcademicTerm.starts_on <= today,
        AcademicTerm.ends_on >= today).order_by(AcademicTerm.starts_on).limit(1))


def _typical_by_grade(students: list[Student], totals: dict) -> dict[int, int]:
    by_grade: dict[int, list[int]] = {}
    for student in students:
        if student.id in totals:
            by_grade.setdefault(student.grade_level, []).append(totals[student.id][1])
    return {grade: round(median(values)) for grade, values in by_grade.items()}


def _nudged_since(student: Student, since: datetime) -> bool:
    return db.session.scalar(select(AttendanceNudge.id).where(
        AttendanceNudge.student_id == student.id,
        AttendanceNudge.sent_at > since).limit(1)) is not None


def _counsellor_task(student: Student, school: School, absences: int, days: int) -> Need:
    owners = counsellors_of(student)
    with force_locale(school.default_language):
        title = _("Talk with the family about %(name)s's attendance (%(absences)d of %(days)d "
                  "days missed)", name=student.display_name, absences=absences, days=days)
    need = Need(student_id=student.id, kind="other", title=title[:200], status=NeedStatus.OPEN,
                owner_id=owners[0].id if owners else None,
                due_on=today_in(school.timezone) + timedelta(days=COUNSELLOR_TASK_DAYS))
    add_record(need, actor=None, object_type="need", student=student,
               fields=("kind", "title", "status", "owner_id", "due_on"))
    return need


def nudge_student(*, student: Student, school: School, level: str, absences: int, days: int,
                  typical: int, now: datetime,
                  held_out: frozenset[int] = frozenset()) -> AttendanceNudge:
    """Send one nudge about the student to each eligible guardian; record it (and, stepped
    up, open the counsellor's task)."""
    for guardian in eligible_families(school=school, student=student, held_out=held_out):
        subject, body = nudge_text(
            level, guardian.preferred_language, fallback=school.default_language,
            guardian=guardian.display_name, student=student.display_name, absences=absences,
            days=days, typical=typical, grade=student.grade_level, school=school.name)
        notify_guardian(guardian=guardian, kind=UpdateKind.ABSENCE, subject=subject,
                        body_text=body, student=student)
    need = (_counsellor_task(student, school, absences, days)
            if level == NudgeLevel.STEP_UP else None)
    nudge = AttendanceNudge(school_id=school.id, student_id=student.id, level=level,
                            absences=absences, school_days=days, typical_absences=typical,
                            need_id=need.id if need else None, sent_at=now)
    db.session.add(nudge)
    db.session.flush()
    return nudge


def nudge_school(school: School, now: datetime) -> int:
    """Nudge the families of the school's students past a threshold; return how many students."""
    today = today_in(school.timezone)
    # "This year" is the current term; a school without one counts from August 1st.
    since = _year_start(school, today) or date(today.year - (today.month < 8), 8, 1)
    totals = absence_totals(school_id=school.id, since=since)
    students = list(db.session.scalars(select(Student).where(
        Student.school_id == school.id, Student.is_active.is_(true()))))
    typical = _typical_by_grade(students, totals)
    held_out = frozenset(held_out_guardian_ids(school_id=school.id,
                                               program=NudgeProgram.ATTENDANCE_NUDGE))
    nudged = 0
    for student in students:
        days, absences = totals.get(student.id, (0, 0))
        level = nudge_level(absences=absences, days=days, school=school)
        if level is None or _nudged_since(student, now - timedelta(days=school.nudge_repeat_days)):
            continue
        nudge_student(student=student, school=school, level=level, absences=absences, days=days,
                      typical=typical.get(student.grade_level, 0), now=now,
                      held_out=held_out)
        nudged += 1
    return nudged


def send_attendance_nudges(now: datetime | None = None, *,
                           checkpoint: Callable[[], object] | None = None) -> int:
    """Nudge every school's families whose child passed a threshold; return how many students.
    `checkpoint` (the job's commit) is called after each school (checkpointed)."""
    now = now or utcnow()
    schools = db.session.scalars(select(School).where(
        School.attendance_nudges_enabled.is_(true())).order_by(School.id)).all()
    return sum(nudge_school(school, now) for school in checkpointed(schools, checkpoint, 1))
