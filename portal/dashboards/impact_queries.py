"""Before/after values per student for program impact and intervention effectiveness.

Each select groups per student (or intervention) and phase in the database; the phase is
"before" or "after" a date (a student's program start, the comparison cut, an opening).
"""

from datetime import date
from statistics import median_low

from sqlalchemy import Select, case, func, or_, select

from portal.extensions import db
from portal.outcomes.models import (
    AttendanceStatus,
    DailyAttendance,
    Grade,
    Intervention,
    Program,
    ProgramEnrollment,
)

ABSENT = case((DailyAttendance.status.in_(AttendanceStatus.ABSENT), 0.0), else_=100.0)
PERCENT = 100.0 * Grade.score / func.nullif(Grade.max_score, 0)
OUTCOMES = {"attendance": (DailyAttendance, DailyAttendance.on_date, ABSENT),
            "grades": (Grade, Grade.recorded_on, PERCENT)}


def programs_of(school_ids: Select) -> list[Program]:
    """Return the programs of the user's schools, by name."""
    return list(db.session.scalars(select(Program).where(Program.school_id.in_(school_ids))
                                   .order_by(Program.name)))


def _by_phase(rows) -> dict[int, dict]:
    found: dict[int, dict] = {}
    for key, phase, value in rows:
        found.setdefault(key, {})[phase] = float(value) if value is not None else None
    return found


def participants_before_after(program: Program, student_ids: Select, outcome: str,
                              since: date, today: date) -> dict[int, dict]:
    """Return {student: {before, after}} of participants around their own start date."""
    model, on, value = OUTCOMES[outcome]
    phase = case((on < ProgramEnrollment.starts_on, "before"), else_="after")
    rows = db.session.execute(
        select(ProgramEnrollment.student_id, phase, func.avg(value))
        .join(model, model.student_id == ProgramEnrollment.student_id)
        .where(ProgramEnrollment.program_id == program.id,
               ProgramEnrollment.student_id.in_(student_ids), on.between(since, today),
               or_(ProgramEnrollment.ends_on.is_(None), on <= ProgramEnrollment.ends_on))
        .group_by(ProgramEnrollment.student_id, phase))
    return _by_phase(rows)


def comparison_cut(program: Program, student_ids: Select) -> date | None:
    """Return the participants' median start date: the comparison group's before/after cut."""
    starts = db.session.scalars(select(ProgramEnrollment.starts_on).where(
        ProgramEnrollment.program_id == program.id,
        ProgramEnrollment.student_id.in_(student_ids))).all()
    return median_low(starts) if starts else None


def comparison_before_after(program: Program, student_ids: Select, outcome: str, cut: date,
                            since: date, today: date) -> dict[int, dict]:
    """Return {student: {before, after}} of visible non-participants around the cut date."""
    model, on, value = OUTCOMES[outcome]
    phase = case((on < cut, "before"), else_="after")
    joined = select(ProgramEnrollment.student_id).where(ProgramEnrollment.program_id == program.id)
    rows = db.session.execute(
        select(model.student_id, phase, func.avg(value))
        .where(model.student_id.in_(student_ids), model.student_id.not_in(joined),
               on.between(since, today))
        .group_by(model.student_id, phase))
    return _by_phase(rows)


def interventions_before_after(student_ids: Select, outcome: str, since: date,
                               today: date) -> list[tuple[str, float, float]]:
    """Return (kind, before, after) per intervention, around the day it was opened."""
    model, on, value = OUTCOMES[outcome]
    phase = case((on < Intervention.opened_on, "before"), else_="after")
    rows = db.session.execute(
        select(Intervention.id, phase, func.avg(value))
        .join(model, model.student_id == Intervention.student_id)
        .where(Intervention.student_id.in_(student_ids), on.between(since, today),
               or_(Intervention.closed_on.is_(None), on <= Intervention.closed_on))
        .group_by(Intervention.id, phase))
    phases = _by_phase(rows)
    kinds = dict(db.session.execute(select(Intervention.id, Intervention.kind)
                                    .where(Intervention.id.in_(list(phases)))).all())
    return [(kinds[key], found["before"], found["after"]) for key, found in phases.items()
            if found.get("before") is not None and found.get("after") is not None]

