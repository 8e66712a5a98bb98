"""Measured nudge programs: the school's setting and the families each program holds out.

The alerts' senders subtract `held_out_guardian_ids(...)` from their audience; urgent and
ordinary messages never ask, so held-out families still get them. See docs/messages.md.
"""

import secrets
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, true
from sqlalchemy.exc import IntegrityError

from portal.auth.models import User
from portal.core.errors import DomainError, NotFound
from portal.core.permissions import informed_link_condition
from portal.core.signals import record_changed
from portal.core.time import today_in, utcnow
from portal.extensions import db
from portal.messaging.holdout_draw import StratumCount, draw, stratum_of
from portal.messaging.models import HoldoutAssignment, HoldoutSetting, NudgeProgram
from portal.people.models import School, Student, StudentGuardian
from portal.risk.queries import latest_risk_levels

SHARE_RANGE, WEEKS_RANGE = (1.0, 50.0), (2, 40)
PROGRAM_LABELS = {NudgeProgram.WEEKLY_ALERT: _l("Weekly family alert"),
                  NudgeProgram.ATTENDANCE_NUDGE: _l("Attendance nudges")}


def setting_of(school_id: int, program: str) -> HoldoutSetting | None:
    """Return the school's measurement setting of a program (None: never set)."""
    return db.session.scalar(select(HoldoutSetting).where(
        HoldoutSetting.school_id == school_id, HoldoutSetting.program == program))


def measured_weeks(setting: HoldoutSetting | None) -> tuple[date, date] | None:
    """Return the first day and the day after the last of the measured weeks (None: none)."""
    if setting is None or setting.started_on is None:
        return None
    return setting.started_on, setting.started_on + timedelta(weeks=setting.weeks)


def holdout_running(setting: HoldoutSetting | None, today: date) -> bool:
    """Return True while the program holds families out: measuring, inside its weeks."""
    period = measured_weeks(setting)
    return bool(setting and setting.measuring and period and period[0] <= today < period[1])


def eligible_families(school_id: int) -> dict[int, str]:
    """Return {guardian id: stratum} of the families of the school's active students."""
    students = select(Student.id).where(Student.school_id == school_id,
                                        Student.is_active.is_(true()))
    risk = latest_risk_levels(students)
    rows = db.session.execute(
        select(StudentGuardian.guardian_id, Student.grade_level,
               func.coalesce(risk.c.level, "not_assessed"))
        .join(Student, Student.id == StudentGuardian.student_id)
        .outerjoin(risk, risk.c.student_id == Student.id)
        .where(Student.id.in_(students), informed_link_condition())).all()
    children: dict[int, list[tuple[int, str]]] = {}
    for guardian_id, grade, level in rows:
        children.setdefault(guardian_id, []).append((grade, level))
    return {guardian_id: stratum_of(kids) for guardian_id, kids in children.items()}


def _stratum_counts(setting: HoldoutSetting) -> dict[str, StratumCount]:
    rows = db.session.execute(
        select(HoldoutAssignment.stratum, func.count(),
               func.sum(case((HoldoutAssignment.held_out.is_(true()), 1), else_=0)))
        .where(HoldoutAssignment.school_id == setting.school_id,
               HoldoutAssignment.program == setting.program)
        .group_by(HoldoutAssignment.stratum)).all()
    return {stratum: StratumCount(families, int(held or 0)) for stratum, families, held in rows}


def assign_new_families(*, setting: HoldoutSetting) -> int:
    """Draw the lots of the eligible families not yet drawn; return how many were drawn.

    Two workers drawing at once: the unique rule keeps the first draw, the other is undone.
    """
    drawn = set(db.session.scalars(select(HoldoutAssignment.guardian_id).where(
        HoldoutAssignment.school_id == setting.school_id,
        HoldoutAssignment.program == setting.program)))
    newcomers = {guardian_id: stratum
                 for guardian_id, stratum in eligible_families(setting.school_id).items()
                 if guardian_id not in drawn}
    if not newcomers:
        return 0
    held = draw(seed=setting.seed, program=setting.program,
                share=setting.share_percent / 100, counts=_stratum_counts(setting),
                newcomers=newcomers)
    try:
        with db.session.begin_nested():
            db.session.add_all([HoldoutAssignment(
                school_id=setting.school_id, program=setting.program, guardian_id=guardian_id,
                stratum=stratum, held_out=guardian_id in held, assigned_at=utcnow())
                for guardian_id, stratum in sorted(newcomers.items())])
    except IntegrityError:
        return 0
    return len(newcomers)


def held_out_guardian_ids(*, school_id: int, program: str) -> set[int]:
    """Return the guardian ids this program must not message now (drawing newcomers first).

    Empty unless the school measures the program and its weeks are running; families who
    asked to be left out of the measurement are never held out. It reads the whole school:
    call it once per school and sending run, then subtract the set from the audience.
    """
    if program not in NudgeProgram.ALL:
        raise ValueError(program)
    setting = setting_of(school_id, program)
    school = db.session.get(School, school_id)
    if school is None or not holdout_running(setting, today_in(school.timezone)):
        return set()
    assign_new_families(setting=setting)
    return set(db.session.scalars(select(HoldoutAssignment.guardian_id).where(
        HoldoutAssignment.school_id == school_id, HoldoutAssignment.program == program,
        HoldoutAssignment.held_out.is_(true()), HoldoutAssignment.excluded_at.is_(None))))


def _check(share_percent: float, weeks: int) -> None:
    if not SHARE_RANGE[0] <= share_percent <= SHARE_RANGE[1]:
        raise DomainError(_("Hold out between 1 and 50 percent of the families."),
                          field="share_percent")
    if not WEEKS_RANGE[0] <= weeks <= WEEKS_RANGE[1]:
        raise DomainError(_("Measure for 2 to 40 weeks."), field="weeks")


def save_measurement(*, school: School, program: str, actor: User, measuring: bool,
                     share_percent: float, weeks: int) -> HoldoutSetting:
    """Turn a program's measurement on or off; the first start draws the families.

    The share is fixed once families are drawn (changing it would reshuffle the lots);
    turning it on again continues the same measurement with the same lots.
    """
    _check(share_percent, weeks)
    setting = setting_of(school.id, program) or HoldoutSetting(
        school_id=school.id, program=program, seed=secrets.token_hex(32),
        share_percent=share_percent, measuring=False, weeks=weeks)
    before = {"measuring": setting.measuring, "weeks": setting.weeks}
    if setting.started_on is None:
        setting.share_percent = share_percent
        if measuring:
            setting.started_on = today_in(school.timezone)
    setting.measuring, setting.weeks = measuring, weeks
    setting.changed_at, setting.changed_by_id = utcnow(), actor.id
    db.session.add(setting)
    db.session.flush()
    if measuring:
        assign_new_families(setting=setting)
    changes = {key: [old, getattr(setting, key)] for key, old in before.items()
               if old != getattr(setting, key)}
    if changes:
        record_changed.send(actor, action="update", object_type="holdout_setting",
                            object_id=setting.id, school_id=school.id, changes=changes)
    return setting


def exclude_family(*, setting: HoldoutSetting, guardian_id: int,
                   actor: User) -> HoldoutAssignment:
    """Leave a family out of the measurement at their request: they get the program."""
    assignment = db.session.scalar(select(HoldoutAssignment).where(
        HoldoutAssignment.school_id == setting.school_id,
        HoldoutAssignment.program == setting.program,
        HoldoutAssignment.guardian_id == guardian_id))
    if assignment is None:
        raise NotFound(_("This family is not part of the measurement."))
    if assignment.excluded_at is None:
        assignment.excluded_at = utcnow()
        db.session.flush()
        record_changed.send(actor, action="update", object_type="holdout_assignment",
                            object_id=assignment.id, school_id=setting.school_id,
                            changes={"excluded_at": [None, assignment.excluded_at.isoformat()]})
    return assignment
