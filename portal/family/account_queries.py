"""Read-only selects about a guardian's own records: requests, consents, portal activity."""

from flask import abort
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from portal.auth.models import User
from portal.core.permissions import informed_link_condition
from portal.extensions import db
from portal.family.choices import CONSENT_PURPOSES
from portal.messaging.models import Message
from portal.needs.models import Feedback, FeedbackReply
from portal.people.models import Consent, Guardian, Student, StudentGuardian

RECENT_READS = 10  # the messages a guardian read last, shown on the staff's profile


def guardian_feedback(user: User, guardian: Guardian):
    """Select the guardian's own requests about the school or a child their link still tells
    them about: their own words stay theirs after the child left or was erased (as in the
    inbox), not after the link ended or stopped carrying information."""
    linked = select(StudentGuardian.student_id).where(StudentGuardian.guardian_id == guardian.id,
                                                      informed_link_condition())
    return select(Feedback).where(
        Feedback.guardian_id == guardian.id,
        or_(Feedback.student_id.is_(None), Feedback.student_id.in_(linked)))


def _with_child(stmt):
    return stmt.add_columns(Student).outerjoin(Student, Student.id == Feedback.student_id)


def list_feedback(user: User, guardian: Guardian) -> list[tuple[Feedback, Student | None]]:
    """Return the guardian's requests, newest first, with the child each is about."""
    stmt = _with_child(guardian_feedback(user, guardian)).order_by(
        Feedback.created_at.desc(), Feedback.id.desc())
    return [(feedback, student) for feedback, student in db.session.execute(stmt)]


def get_feedback_or_404(user: User, guardian: Guardian,
                        feedback_id: int) -> tuple[Feedback, Student | None]:
    """Load one of the guardian's own requests and its child, or answer 404."""
    row = db.session.execute(_with_child(guardian_feedback(user, guardian))
                             .where(Feedback.id == feedback_id)).first()
    if row is None:
        abort(404)
    return row[0], row[1]


def replies_to(feedback: Feedback) -> list[tuple[FeedbackReply, User | None]]:
    """Return the replies in a request's thread, oldest first, with their authors."""
    stmt = (select(FeedbackReply, User).outerjoin(User, User.id == FeedbackReply.author_id)
            .where(FeedbackReply.feedback_id == feedback.id)
            .order_by(FeedbackReply.created_at, FeedbackReply.id))
    return [(reply, author) for reply, author in db.session.execute(stmt)]


def consent_history(guardian: Guardian) -> list[Consent]:
    """Return every consent the guardian gave or withdrew, newest first."""
    return consent_histories([guardian.id]).get(guardian.id, [])


def consent_histories(guardian_ids: list[int]) -> dict[int, list[Consent]]:
    """Return, per guardian, every consent they gave or withdrew, newest first (one query)."""
    found: dict[int, list[Consent]] = {}
    for consent in db.session.scalars(
            select(Consent).where(Consent.guardian_id.in_(guardian_ids))
            .order_by(Consent.recorded_at.desc(), Consent.id.desc())):
        found.setdefault(consent.guardian_id, []).append(consent)
    return found


def current_consents(history: list[Consent]) -> dict[str, Consent | None]:
    """Return the latest consent row for each purpose (None: never answered)."""
    latest: dict[str, Consent | None] = dict.fromkeys(CONSENT_PURPOSES)
    for consent in reversed(history):  # oldest first, so the newest wins
        latest[consent.purpose] = consent
    return latest


def portal_activity(student: Student) -> list[dict]:
    """Return, per guardian of the student, their account state and the messages they read
    (the ten read last): three queries however many guardians."""
    links = db.session.scalars(
        select(StudentGuardian)
        .options(joinedload(StudentGuardian.guardian).joinedload(Guardian.user))
        .where(StudentGuardian.student_id == student.id).order_by(StudentGuardian.id)).all()
    to_family = and_(Message.guardian_id.in_([link.guardian_id for link in links]),
                     or_(Message.student_id == student.id, Message.student_id.is_(None)),
                     Message.from_family.is_(False))
    counts = {guardian_id: (total, read) for guardian_id, total, read in db.session.execute(
        select(Message.guardian_id, func.count(), func.count(Message.read_at))
        .where(to_family).group_by(Message.guardian_id))}
    newest_first = (Message.read_at.desc(), Message.id.desc())
    ranked = select(Message.id, func.row_number().over(
        partition_by=Message.guardian_id, order_by=newest_first).label("rank")).where(
        to_family, Message.read_at.is_not(None)).subquery()
    recent: dict[int, list[Message]] = {}
    for message in db.session.scalars(
            select(Message).join(ranked, ranked.c.id == Message.id)
            .where(ranked.c.rank <= RECENT_READS).order_by(*newest_first)):
        recent.setdefault(message.guardian_id, []).append(message)
    return [{"link": link, "guardian": link.guardian, "user": link.guardian.user,
             "messages_total": counts.get(link.guardian_id, (0, 0))[0],
             "messages_read": counts.get(link.guardian_id, (0, 0))[1],
             "recent_reads": recent.get(link.guardian_id, [])} for link in links]
