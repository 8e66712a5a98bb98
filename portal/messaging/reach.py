"""The "families we are not reaching" report, with the students' latest risk level."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from portal.auth.models import User
from portal.core.bulk import collector_paused
from portal.core.permissions import visible_student_ids
from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.models import Delivery, DeliveryStatus, Message
from portal.people.models import Guardian, Student, StudentGuardian
from portal.risk.models import RiskLevel
from portal.risk.queries import family_todos_by_school, latest_risk_levels

LEVEL_ORDER = {RiskLevel.HIGH: 0, RiskLevel.WATCH: 1, RiskLevel.NONE: 2, None: 3}
FAILURES_THAT_COUNT = 2
PER_PAGE = 50


@dataclass
class UnreachedFamily:
    """A guardian the school may not be reaching, why, and their children's risk."""

    guardian: Guardian
    problems: list[str] = field(default_factory=list)
    children: list[tuple[Student, str | None]] = field(default_factory=list)


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


def _latest_levels(students: Select) -> dict[int, str]:
    levels = latest_risk_levels(students)
    return dict(db.session.execute(select(levels.c.student_id, levels.c.level)).all())


def _problems(email, email_invalid, invalid_reason, last_login_at, *, failures: int,
              read: bool, received: bool) -> list[tuple]:
    """Why the school may not be reaching this guardian (the values of _GUARDIAN_COLUMNS after
    the id), as (reason, detail) pairs; `_say` words them for the page."""
    problems = []
    if not email or email_invalid:
        problems.append(("no_email", invalid_reason))
    if failures >= FAILURES_THAT_COUNT:
        problems.append(("failures", failures))
    if last_login_at is None:
        problems.append(("never_signed_in", None))
    if received and not read:
        problems.append(("unread", None))
    return problems


def _say(problem: tuple, weeks: int) -> str:
    """Word one of _problems' reasons."""
    reason, detail = problem
    if reason == "no_email":
        return _("No valid email") + (f" ({detail})" if detail else "")
    if reason == "failures":
        return _("%(num)d failed deliveries", num=detail)
    if reason == "never_signed_in":
        return _("Never signed in to the portal")
    return _("No message read in %(num)d weeks", num=weeks)


def _todo_problem(student: Student, todo: dict) -> str:
    """Say a to-do of the risk engine about one child, for the family's row."""
    if todo["todo"] == "days_since_family_contact":
        return _("No successful contact about %(name)s for %(num)d days",
                 name=student.display_name, num=todo["value"])
    return _("%(name)s: %(num)d parent events or conferences missed",
             name=student.display_name, num=todo["value"])


_GUARDIAN_COLUMNS = (Guardian.id, Guardian.email, Guardian.email_invalid,
                     Guardian.email_invalid_reason, User.last_login_at)


def _students(viewer: User, school_id: int | None) -> Select:
    """Select the ids of the viewer's active students (of one school, if chosen)."""
    stmt = select(Student.id).where(Student.id.in_(visible_student_ids(viewer)),
                                    Student.is_active.is_(True))
    return stmt if school_id is None else stmt.where(Student.school_id == school_id)


def _links(students: Select) -> list:
    """Each guardian of these students with that child: plain rows of _GUARDIAN_COLUMNS,
    student_id and school_id, by guardian's name."""
    return db.session.execute(
        select(*_GUARDIAN_COLUMNS, Student.id.label("student_id"), Student.school_id)
        .join(StudentGuardian, StudentGuardian.guardian_id == Guardian.id)
        .join(Student, Student.id == StudentGuardian.student_id)
        .outerjoin(User, User.id == Guardian.user_id)
        .where(Student.id.in_(students))
        .order_by(Guardian.sort_name, Guardian.id, Student.id)).all()


def families_not_reached(viewer: User, *, weeks: int = 6, school_id: int | None = None,
                         page: int = 1) -> tuple[list[UnreachedFamily], int]:
    """Return one page of the guardians of the viewer's students we are not reaching, highest
    risk first then most reasons, and how many there are in all.

    Every family is weighed from plain rows; only the page's guardians and children are
    loaded and described (a district's report weighs 90,000 families). The cycle collector
    is held off while they are: it scanned the rows again and again as they piled up,
    a third of the district's report.
    """
    with collector_paused():
        ranked, families, levels = _weigh(viewer, since=utcnow() - timedelta(weeks=weeks),
                                          school_id=school_id)
    shown = [guardian_id for *_, guardian_id in ranked[(page - 1) * PER_PAGE:page * PER_PAGE]]
    return _describe({guardian_id: families[guardian_id] for guardian_id in shown}, levels,
                     weeks), len(ranked)


def _weigh(viewer: User, *, since, school_id: int | None) -> tuple[list, dict, dict]:
    """Return the families with a reason, ranked (highest risk, then most reasons, then by
    name), every family's reasons and children, and the children's latest levels."""
    failures, readers, receivers = _failure_counts(since), _readers(since), _recent_receivers(since)
    students = _students(viewer, school_id)
    # Rows unpacked by position: a row's attributes by name cost a microsecond each, and a
    # district's report reads 90,000 rows several times.
    links = _links(students)
    by_school = defaultdict(set)
    for *_guardian, student_id, child_school in links:
        by_school[child_school].add(student_id)
    levels = _latest_levels(students)
    todos = family_todos_by_school({school: sorted(ids) for school, ids in by_school.items()})
    families: dict[int, tuple[list[tuple], list[tuple[int, list[dict]]]]] = {}
    for guardian_id, *guardian, student_id, _child_school in links:
        if guardian_id not in families:
            families[guardian_id] = (_problems(*guardian, failures=failures.get(guardian_id, 0),
                                               read=guardian_id in readers,
                                               received=guardian_id in receivers), [])
        families[guardian_id][1].append((student_id, todos.get(student_id, [])))
    ranked = []
    for guardian_id, (problems, children) in families.items():
        reasons = len(problems) + sum(len(child_todos) for _, child_todos in children)
        if reasons:
            highest = min((levels.get(child) for child, _ in children), key=LEVEL_ORDER.get)
            ranked.append((LEVEL_ORDER[highest], -reasons, guardian_id))
    ranked.sort(key=lambda rank: rank[:2])  # stable: by name within a rank
    return ranked, families, levels


def _describe(families: dict[int, tuple], levels: dict, weeks: int) -> list[UnreachedFamily]:
    """The page's rows: each guardian's record, reasons and children's risk (two queries)."""
    child_ids = {child for _, children in families.values() for child, _ in children}
    guardians = {guardian.id: guardian for guardian in db.session.scalars(
        select(Guardian).where(Guardian.id.in_(list(families))))}
    students = {student.id: student for student in db.session.scalars(
        select(Student).where(Student.id.in_(list(child_ids))))}
    shown = []
    for guardian_id, (problems, children) in families.items():
        family = UnreachedFamily(guardians[guardian_id],
                                 [_say(problem, weeks) for problem in problems])
        for student_id, child_todos in children:
            family.children.append((students[student_id], levels.get(student_id)))
            family.problems += [_todo_problem(students[student_id], todo)
                                for todo in child_todos]
        shown.append(family)
    return shown
