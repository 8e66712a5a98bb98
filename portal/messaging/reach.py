"""The "families we are not reaching" report, with the students' latest risk level."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, literal, or_, select

from portal.auth.models import User
from portal.core.paging import check_page, page_with_total
from portal.core.permissions import student_condition, visible_school_ids
from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.models import Delivery, DeliveryStatus, Message
from portal.people.models import Guardian, Student, StudentGuardian
from portal.risk.models import NewestAssessment, RiskLevel
from portal.risk.queries import family_todo_counts, family_todos_by_school

LEVEL_ORDER = {RiskLevel.HIGH: 0, RiskLevel.WATCH: 1, RiskLevel.NONE: 2}
NOT_ASSESSED = 3  # after every level
FAILURES_THAT_COUNT = 2
PER_PAGE = 50
REASONS = ("no_email", "failures", "never_signed_in", "unread")  # the order they are said in


@dataclass
class UnreachedFamily:
    """A guardian the school may not be reaching, why, and their children's risk."""

    guardian: Guardian
    problems: list[str] = field(default_factory=list)
    children: list[tuple[Student, str | None]] = field(default_factory=list)


def _students(viewer: User, school_id: int | None) -> ColumnElement[bool]:
    """The condition on Student that keeps the viewer's active students (of one school, if
    chosen), checked on the joined row: no semi-join against a district's students."""
    condition = and_(student_condition(viewer), Student.is_active.is_(True))
    return condition if school_id is None else and_(condition, Student.school_id == school_id)


def _children(students: ColumnElement[bool], school_ids: list[int]):
    """CTE per guardian of these students: their highest-risk child (LEVEL_ORDER) and how
    many to-dos the school has with the family about their children (worked out once where
    the report reads it twice)."""
    todos = family_todo_counts(school_ids)
    severity = case(LEVEL_ORDER, value=NewestAssessment.level, else_=literal(NOT_ASSESSED))
    return (select(StudentGuardian.guardian_id, func.min(severity).label("highest"),
                   func.sum(func.coalesce(todos.c.todos, 0)).label("todos"))
            .join(Student, Student.id == StudentGuardian.student_id)
            .outerjoin(NewestAssessment, NewestAssessment.student_id == Student.id)
            .outerjoin(todos, todos.c.student_id == Student.id)
            .where(students)
            .group_by(StudentGuardian.guardian_id).cte())


def _unread(children, since, *, one_school: bool) -> tuple[ColumnElement[bool], Subquery | None]:
    """The "unread" reason: the school sent the family a message since `since` and they read
    none since. Return its condition on Guardian and the subquery to outer-join, if any.

    One school's few thousand families have their own messages looked up, family by family;
    a district's tens of thousands have each set read from all the messages once. Given the
    district's form for one school, PostgreSQL read every message too (docs/performance.md).
    """
    received = and_(Message.created_at >= since, Message.from_family.is_(False))
    read = Message.read_at >= since  # a family's own reply is saved read: writing is reaching
    if not one_school:
        mine = Message.guardian_id == Guardian.id
        return and_(select(Message.id).where(mine, received).exists(),
                    ~select(Message.id).where(mine, read).exists()), None
    mail = (select(Message.guardian_id,
                   func.max(case((received, 1), else_=0)).label("received"),
                   func.max(case((read, 1), else_=0)).label("read"))
            .where(Message.guardian_id.in_(select(children.c.guardian_id)))
            .group_by(Message.guardian_id).subquery())
    return and_(mail.c.received == 1, mail.c.read == 0), mail


def _ranked(students: ColumnElement[bool], school_ids: list[int], since) -> Select:
    """Select every guardian of these students with a reason, highest risk first, then most
    reasons, then by name: (guardian id, no valid email, failed deliveries, never signed
    in, unread), each reason worked out in the database, once a guardian."""
    children = _children(students, school_ids)
    failures = (select(Delivery.guardian_id, func.count().label("failures"))
                .where(Delivery.status == DeliveryStatus.FAILED, Delivery.created_at >= since,
                       Delivery.guardian_id.is_not(None))
                .group_by(Delivery.guardian_id).subquery())
    unread, mail = _unread(children, since, one_school=len(school_ids) == 1)
    problems = {
        "no_email": or_(Guardian.email.is_(None), Guardian.email == "", Guardian.email_invalid),
        "failures": func.coalesce(failures.c.failures, 0) >= FAILURES_THAT_COUNT,
        "never_signed_in": User.last_login_at.is_(None),
        "unread": unread,
    }
    # OFFSET 0 keeps PostgreSQL from copying each reason into the filter and the order below:
    # "unread" (two lookups in the messages) was worked out three times a guardian.
    weighed = (select(Guardian.id, Guardian.sort_name, children.c.highest, children.c.todos,
                      *(problem.label(reason) for reason, problem in problems.items()),
                      func.coalesce(failures.c.failures, 0).label("failed"))
               .join(children, children.c.guardian_id == Guardian.id)
               .outerjoin(User, User.id == Guardian.user_id)
               .outerjoin(failures, failures.c.guardian_id == Guardian.id))
    if mail is not None:
        weighed = weighed.outerjoin(mail, mail.c.guardian_id == Guardian.id)
    weighed = weighed.offset(0).subquery()
    reasons = weighed.c.todos + sum((case((weighed.c[reason], 1), else_=0)
                                     for reason in REASONS), literal(0))
    return (select(weighed.c.id, *(weighed.c[reason] for reason in REASONS), weighed.c.failed)
            .where(reasons > 0)
            .order_by(weighed.c.highest, reasons.desc(), weighed.c.sort_name, weighed.c.id))


def _say(reason: str, guardian: Guardian, failures: int, weeks: int) -> str:
    """Word one of _ranked's reasons about a guardian."""
    if reason == "no_email":
        detail = guardian.email_invalid_reason
        return _("No valid email") + (f" ({detail})" if detail else "")
    if reason == "failures":
        return _("%(num)d failed deliveries", num=failures)
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


def families_not_reached(viewer: User, *, weeks: int = 6, school_id: int | None = None,
                         page: int = 1) -> tuple[list[UnreachedFamily], int]:
    """Return one page of the guardians of the viewer's students we are not reaching, highest
    risk first then most reasons, and how many there are in all.

    The database weighs every family and counts them (a district's report weighs 90,000);
    only the page's guardians and children are loaded and described. A page past the last
    is a 404.
    """
    students = _students(viewer, school_id)
    school_ids = ([school_id] if school_id is not None
                  else list(db.session.scalars(visible_school_ids(viewer))))
    rows, total = page_with_total(_ranked(students, school_ids, utcnow() - timedelta(weeks=weeks)),
                                  page, PER_PAGE)
    check_page(page, total, PER_PAGE)
    return _describe(rows, students, weeks), total


def _describe(rows: list[tuple], students: ColumnElement[bool],
              weeks: int) -> list[UnreachedFamily]:
    """The page's families (rows of _ranked): each guardian's record, reasons and children
    with their risk and to-dos (a few queries, whatever the page holds)."""
    shown = [row[0] for row in rows]
    guardians = {guardian.id: guardian for guardian in db.session.scalars(
        select(Guardian).where(Guardian.id.in_(shown)))}
    links = db.session.execute(
        select(StudentGuardian.guardian_id, Student, NewestAssessment.level)
        .join(Student, Student.id == StudentGuardian.student_id)
        .outerjoin(NewestAssessment, NewestAssessment.student_id == Student.id)
        .where(StudentGuardian.guardian_id.in_(shown), students)
        .order_by(Student.id)).all()
    children, by_school = defaultdict(list), defaultdict(set)
    for guardian_id, student, level in links:
        children[guardian_id].append((student, level))
        by_school[student.school_id].add(student.id)
    todos = family_todos_by_school({school: sorted(ids) for school, ids in by_school.items()})
    families = []
    for guardian_id, *flags, failures in rows:
        guardian = guardians[guardian_id]
        family = UnreachedFamily(guardian, [
            _say(reason, guardian, failures, weeks)
            for reason, flagged in zip(REASONS, flags, strict=True) if flagged])
        for student, level in children[guardian_id]:
            family.children.append((student, level))
            family.problems += [_todo_problem(student, todo) for todo in todos[student.id]]
        families.append(family)
    return families
