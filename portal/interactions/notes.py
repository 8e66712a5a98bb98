"""Teacher notes: each week a one-line note to each student's family (Kraft & Rogers 2015).

A note goes to every guardian who may be told about the student, in their language and
channel, through the outbox, and is logged in the communication history shared with the
family. One note per teacher, student and school week: a double click sends it once.
"""

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from portal.auth.models import User
from portal.core.errors import Conflict, DomainError, NotFound
from portal.core.models import Visibility
from portal.core.time import monday_of, utcnow
from portal.extensions import db
from portal.interactions.models import TeacherNote
from portal.interactions.queries import taught_student_ids
from portal.interactions.services import log_interaction
from portal.messaging.automatic import informed_guardians
from portal.messaging.models import UpdateKind
from portal.messaging.services import notify_guardian
from portal.people.models import Enrollment, Guardian, Student

NOTE_MAX_LENGTH = 300


class NoteAlreadySent(Conflict):
    """This week's note to this family was already sent (a second click, a second tab)."""


def teaches(teacher: User, student_id: int) -> bool:
    """Return True when the student is in one of the teacher's active sections."""
    return db.session.scalar(taught_student_ids(teacher).where(
        Enrollment.student_id == student_id).limit(1)) is not None


def _one_line(note: str) -> str:
    text = " ".join((note or "").split())
    if not text:
        raise DomainError(_("Write the note first."), field="note")
    if len(text) > NOTE_MAX_LENGTH:
        raise DomainError(_("Keep the note to %(count)d characters or fewer.",
                            count=NOTE_MAX_LENGTH), field="note")
    return text


def _tell(guardian: Guardian, *, teacher: User, student: Student, text: str) -> bool:
    with force_locale(guardian.preferred_language):
        subject = _("A note from %(teacher)s about %(name)s", teacher=teacher.full_name,
                    name=student.display_name)
        body = _("Dear %(guardian)s,\n\nThis week's note from %(teacher)s about %(name)s:\n\n"
                 "%(note)s\n\nYou are welcome to reply to this message.",
                 guardian=guardian.display_name, teacher=teacher.full_name,
                 name=student.display_name, note=text)
    return notify_guardian(guardian=guardian, kind=UpdateKind.PROGRESS, subject=subject,
                           body_text=body, student=student, sender=teacher) is not None


def send_teacher_note(*, teacher: User, student: Student, note: str,
                      today: date) -> TeacherNote:
    """Send this week's note to the student's family and log it in the history, once."""
    text = _one_line(note)
    if not teaches(teacher, student.id):
        raise NotFound(_("You can write only to the families of the students you teach."))
    guardians = informed_guardians(student)
    if not guardians:
        raise DomainError(_("No family member of %(name)s can receive messages.",
                            name=student.display_name), field="note")
    sent = TeacherNote(teacher_id=teacher.id, student_id=student.id, week_of=monday_of(today),
                       created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(sent)
    except IntegrityError as clash:
        raise NoteAlreadySent(_("This week's note about %(name)s was already sent.",
                                name=student.display_name)) from clash
    told = [guardian.id for guardian in guardians
            if _tell(guardian, teacher=teacher, student=student, text=text)]
    interaction = log_interaction(student=student, author=teacher, channel="message",
                                  occurred_at=utcnow(), summary=text, guardian_ids=told,
                                  visibility=Visibility.FAMILY)
    sent.interaction_id = interaction.id
    db.session.flush()
    return sent
