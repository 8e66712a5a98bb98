"""Read-only selects: the staff queue of needs and of families' requests."""

from datetime import datetime, timedelta

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, or_, select

from portal.auth.models import Role, User
from portal.core.permissions import visible_records, visible_school_ids, visible_student_ids
from portal.core.time import utcnow
from portal.extensions import db
from portal.needs.models import Feedback, FeedbackReply, Need, NeedStatus
from portal.people.models import Guardian, Student

OPEN_FEEDBACK = ("new", "in_progress")


def visible_feedback(user: User) -> Select:
    """Select the feedback this staff member may see: about their students, or the school's."""
    about_students = Feedback.student_id.in_(visible_student_ids(user))
    if user.role != Role.ADMINISTRATOR:
        return select(Feedback).where(about_students)
    school_wide = and_(Feedback.student_id.is_(None),
                       Feedback.school_id.in_(visible_school_ids(user)))
    return select(Feedback).where(or_(about_students, school_wide))


def get_feedback_or_404(user: User, feedback_id: int) -> Feedback:
    """Load one request the user may see, or answer 404."""
    feedback = db.session.scalar(visible_feedback(user).where(Feedback.id == feedback_id))
    if feedback is None:
        abort(404)
    return feedback


def need_queue(user: User, *, only_active: bool = True, mine: bool = False) -> list:
    """Return (need, student) rows the user may see, soonest due first."""
    stmt = (visible_records(user, Need).add_columns(Student)
            .join(Student, Student.id == Need.student_id))
    if only_active:
        stmt = stmt.where(Need.status.in_(NeedStatus.ACTIVE))
    if mine:
        stmt = stmt.where(Need.owner_id == user.id)
    return list(db.session.execute(stmt.order_by(Need.due_on.is_(None), Need.due_on, Need.id)))


def feedback_queue(user: User, *, only_active: bool = True, mine: bool = False) -> list:
    """Return (feedback, guardian, student or None) rows the user may see, oldest first."""
    stmt = (visible_feedback(user).add_columns(Guardian, Student)
            .join(Guardian, Guardian.id == Feedback.guardian_id)
            .outerjoin(Student, Student.id == Feedback.student_id))
    if only_active:
        stmt = stmt.where(Feedback.status.in_(OPEN_FEEDBACK))
    if mine:
        stmt = stmt.where(Feedback.assigned_to_id == user.id)
    return list(db.session.execute(stmt.order_by(Feedback.created_at, Feedback.id)))


def request_of_thread(message_id: int) -> Feedback | None:
    """Return the family's request whose inbox thread starts with this message, if any."""
    return db.session.scalar(select(Feedback).where(Feedback.message_id == message_id))


def replies_of(feedback: Feedback) -> list:
    """Return the thread's replies with their author's name (None for the family), oldest first."""
    return list(db.session.execute(
        select(FeedbackReply, User.full_name, User.role)
        .outerjoin(User, User.id == FeedbackReply.author_id)
        .where(FeedbackReply.feedback_id == feedback.id)
        .order_by(FeedbackReply.created_at, FeedbackReply.id)))


def needs_of_student(student: Student) -> list[Need]:
    """Return the student's needs, active ones first."""
    return list(db.session.scalars(
        select(Need).where(Need.student_id == student.id)
        .order_by(Need.status.not_in(NeedStatus.ACTIVE), Need.due_on.is_(None), Need.due_on)))


def first_answers(feedback_ids) -> dict[int, datetime]:
    """Return, per request, when a staff member first answered it (unanswered ones are left out)."""
    rows = db.session.execute(
        select(FeedbackReply.feedback_id, func.min(FeedbackReply.created_at))
        .join(User, User.id == FeedbackReply.author_id)
        .where(FeedbackReply.feedback_id.in_(list(feedback_ids)), User.role.in_(Role.STAFF))
        .group_by(FeedbackReply.feedback_id))
    return dict(rows.all())


def _duration(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return _("%(days)d d %(hours)d h", days=hours // 24, hours=hours % 24)


def request_timings(feedbacks) -> dict[int, dict]:
    """Return, per request, its age and its time to first answer (None while unanswered)."""
    answered = first_answers(feedback.id for feedback in feedbacks)
    now = utcnow()
    return {feedback.id: {
        "age": _duration(now - feedback.created_at),
        "first_answer": (_duration(answered[feedback.id] - feedback.created_at)
                         if feedback.id in answered else None)} for feedback in feedbacks}


def unanswered_requests(created_before: datetime) -> list[Feedback]:
    """Return the open requests created before then that no staff member has answered."""
    staff_reply = (select(FeedbackReply.id).join(User, User.id == FeedbackReply.author_id)
                   .where(FeedbackReply.feedback_id == Feedback.id, User.role.in_(Role.STAFF)))
    return list(db.session.scalars(select(Feedback).where(
        Feedback.status.in_(OPEN_FEEDBACK), Feedback.created_at < created_before,
        ~staff_reply.exists()).order_by(Feedback.id)))
