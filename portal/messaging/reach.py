"""The "families we are not reaching" report, with the students' latest risk level."""

from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.auth.models import User
from portal.core.permissions import visible_guardians, visible_student_ids
from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.models import Delivery, DeliveryStatus, Message
from portal.people.models import Guardian, Student, StudentGuardian
from portal.risk.models import RiskLevel
from portal.risk.queries import family_todos_of, latest_risk_levels

LEVEL_ORDER = {RiskLevel.HIGH: 0, RiskLevel.WATCH: 1, RiskLevel.NONE: 2, None: 3}
FAILURES_THAT_COUNT = 2


@dataclass
class UnreachedFamily:
    """A guardian the school may not be reaching, why, and their children's risk."""

    guardian: Guardian
    problems: list[str] = field(default_factory=list)
    children: list[tuple[Student, str | None]] = field(default_factory=list)

    @property
    def highest_level(self) -> str | None:
        levels = [level for _, level in self.children if level]
        return min(levels, key=LEVEL_ORDER.get) if levels else None


def _failure_counts(since) -> dict[int, int]:
    return dict(db.session.execute(
        select(Delivery.guardian_id, func.count()).where(
            Delivery.status == DeliveryStatus.FAILED, Delivery.created_at >= since,
            Delivery.guardian_id.is_not(None)).group_by(Delivery.guardian_id)).all())


def _readers(since) -> set[int]:
    return set(db.session.scalars(select(Message.guardian_id).where(
        Message.read_at >= since).distinct()))


def _recent_receivers(since) -> set[int]:
    return set(db.session.scalars(select(Message.guardian_id).where(
        Message.created_at >= since, Message.from_family.is_(False)).distinct()))


def _latest_levels(student_ids: list[int]) -> dict[int, str]:
    levels = latest_risk_levels(student_ids)
    return dict(db.session.execute(select(levels.c.student_id, levels.c.level)).all())


def _problems(guardian: Guardian, *, failures: int, read: bool, received: bool,
              weeks: int) -> list[str]:
    problems = []
    if not guardian.email or guardian.email_invalid:
        problems.append(_("No valid email") + (f" ({guardian.email_invalid_reason})"
                                                 if guardian.email_invalid_reason else ""))
    if failures >= FAILURES_THAT_COUNT:
        problems.append(_("%(num)d failed deliveries", num=failures))
    if guardian.user is None or guardian.user.last_login_at is None:
        problems.append(_("Never signed in to the portal"))
    if received and not read:
        problems.append(_("No message read in %(num)d weeks", num=weeks))
    return problems


def _todo_problem(student: Student, todo: dict) -> str:
    """Say a to-do of the risk engine about one child, for the family's row."""
    if todo["todo"] == "days_since_family_contact":
        return _("No successful contact about %(name)s for %(num)d days",
                 name=student.display_name, num=todo["value"])
    return _("%(name)s: %(num)d parent events or conferences missed",
             name=student.display_name, num=todo["value"])


def families_not_reached(viewer: User, *, weeks: int = 6) -> list[UnreachedFamily]:
    """Return the guardians of the viewer's students we are not reaching, highest risk first."""
    since = utcnow() - timedelta(weeks=weeks)
    failures, readers, receivers = _failure_counts(since), _readers(since), _recent_receivers(since)
    rows = db.session.execute(
        visible_guardians(viewer).add_columns(Student)
        .join(StudentGuardian, StudentGuardian.guardian_id == Guardian.id)
        .join(Student, Student.id == StudentGuardian.student_id)
        .where(Student.id.in_(visible_student_ids(viewer)), Student.is_active.is_(True))
        .order_by(Guardian.sort_name, Guardian.id)).all()
    levels = _latest_levels(sorted({student.id for _, student in rows}))
    todos = family_todos_of(list({student.id: student for _, student in rows}.values()))
    families: dict[int, UnreachedFamily] = {}
    for guardian, student in rows:
        family = families.get(guardian.id)
        if family is None:
            family = families[guardian.id] = UnreachedFamily(guardian, _problems(
                guardian, failures=failures.get(guardian.id, 0), read=guardian.id in readers,
                received=guardian.id in receivers, weeks=weeks))
        family.children.append((student, levels.get(student.id)))
        family.problems += [_todo_problem(student, todo) for todo in todos.get(student.id, [])]
    unreached = [family for family in families.values() if family.problems]
    return sorted(unreached, key=lambda family: (LEVEL_ORDER[family.highest_level],
                                                 -len(family.problems)))
