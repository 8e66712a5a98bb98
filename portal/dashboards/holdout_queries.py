"""The students of the families in a measured program, and their outcomes over its weeks."""

from datetime import date

from sqlalchemy import func, select, true

from portal.core.permissions import informed_link_condition
from portal.dashboards.impact_queries import PRESENT
from portal.extensions import db
from portal.messaging.models import HoldoutAssignment, HoldoutSetting
from portal.outcomes.models import DailyAttendance, Grade, WorkMark, WorkStatus
from portal.outcomes.queries import GRADE_PERCENT
from portal.people.models import Student, StudentGuardian


def measured_students(setting: HoldoutSetting) -> tuple[dict[int, tuple[int, bool]], int]:
    """Return {student id: (family, held out)} and how many students were left out because
    their families drew different lots (a child of two households)."""
    rows = db.session.execute(
        select(StudentGuardian.student_id, HoldoutAssignment.guardian_id,
               HoldoutAssignment.held_out)
        .join(HoldoutAssignment, HoldoutAssignment.guardian_id == StudentGuardian.guardian_id)
        .join(Student, Student.id == StudentGuardian.student_id)
        .where(HoldoutAssignment.school_id == setting.school_id,
               HoldoutAssignment.program == setting.program,
               HoldoutAssignment.excluded_at.is_(None), Student.is_active.is_(true()),
               Student.school_id == setting.school_id, informed_link_condition())).all()
    lots: dict[int, list[tuple[int, bool]]] = {}
    for student_id, guardian_id, held_out in rows:
        lots.setdefault(student_id, []).append((guardian_id, bool(held_out)))
    students = {student_id: (min(family for family, _ in drawn), drawn[0][1])
                for student_id, drawn in lots.items()
                if len({held for _, held in drawn}) == 1}
    return students, len(lots) - len(students)


def lot_counts(setting: HoldoutSetting) -> dict[str, int]:
    """Return how many families drew each lot, and how many asked to be left out, per lot."""
    rows = db.session.execute(
        select(HoldoutAssignment.held_out, HoldoutAssignment.excluded_at.is_not(None),
               func.count())
        .where(HoldoutAssignment.school_id == setting.school_id,
               HoldoutAssignment.program == setting.program)
        .group_by(HoldoutAssignment.held_out, HoldoutAssignment.excluded_at.is_not(None))).all()
    counts = dict.fromkeys(("messaged", "held_out", "messaged_excluded", "held_out_excluded"), 0)
    for held_out, excluded, count in rows:
        key = "held_out" if held_out else "messaged"
        counts[key] += count
        if excluded:
            counts[f"{key}_excluded"] += count
    return counts


def attendance_rates(student_ids: list[int], first: date, last: date) -> dict[int, float]:
    """Return each student's share of recorded school days present (percent) between days."""
    rows = db.session.execute(
        select(DailyAttendance.student_id, func.avg(PRESENT))
        .where(DailyAttendance.student_id.in_(student_ids),
               DailyAttendance.on_date.between(first, last))
        .group_by(DailyAttendance.student_id)).all()
    return {student_id: float(rate) for student_id, rate in rows}


def missing_work_counts(student_ids: list[int], first: date, last: date) -> dict[int, float]:
    """Return each student's pieces of work marked missing that were due between the days."""
    rows = db.session.execute(
        select(WorkMark.student_id, func.count())
        .where(WorkMark.student_id.in_(student_ids), WorkMark.status == WorkStatus.MISSING,
               WorkMark.due_on.between(first, last))
        .group_by(WorkMark.student_id)).all()
    counts = {student_id: 0.0 for student_id in student_ids}
    counts.update({student_id: float(count) for student_id, count in rows})
    return counts


def failing_students(student_ids: list[int], first: date, last: date,
                     pass_mark: float) -> dict[int, float]:
    """Return 100 for a student whose assessments in some class averaged below the pass mark
    between the days, 0 for one who passed all; students with no assessment are left out."""
    rows = db.session.execute(
        select(Grade.student_id, Grade.section_id, func.avg(GRADE_PERCENT))
        .where(Grade.student_id.in_(student_ids), Grade.kind == "assessment",
               Grade.recorded_on.between(first, last))
        .group_by(Grade.student_id, Grade.section_id)).all()
    failing: dict[int, float] = {}
    for student_id, _section, average in rows:
        below = average is not None and float(average) < pass_mark
        failing[student_id] = max(failing.get(student_id, 0.0), 100.0 * below)
    return failing
