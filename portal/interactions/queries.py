"""Read-only selects: a staff member's follow-ups, an interaction's history."""

from datetime import date

from sqlalchemy import Select, select, true

from portal.auth.models import User
from portal.core.permissions import visible_student_ids
from portal.extensions import db
from portal.interactions.models import (
    Interaction,
    InteractionParticipant,
    InteractionRevision,
    TeacherNote,
)
from portal.needs.models import Need, NeedStatus
from portal.outcomes.models import Intervention, InterventionStatus
from portal.people.models import Enrollment, Section, Student
from portal.people.queries import informable_guardians


def follow_ups_of(user: User) -> dict:
    """Return the user's open follow-ups, open interventions and active needs, soonest first."""
    students = visible_student_ids(user)
    contacts = db.session.execute(
        select(Interaction, Student).join(Student, Student.id == Interaction.student_id)
        .where(Interaction.follow_up_owner_id == user.id,
               Interaction.follow_up_due_on.is_not(None),
               Interaction.follow_up_done_at.is_(None), Interaction.student_id.in_(students))
        .order_by(Interaction.follow_up_due_on, Interaction.id)).all()
    interventions = db.session.execute(
        select(Intervention, Student).join(Student, Student.id == Intervention.student_id)
        .where(Intervention.owner_id == user.id, Intervention.status == InterventionStatus.OPEN,
               Intervention.student_id.in_(students))
        .order_by(Intervention.review_on.is_(None), Intervention.review_on)).all()
    needs = db.session.execute(
        select(Need, Student).join(Student, Student.id == Need.student_id)
        .where(Need.owner_id == user.id, Need.status.in_(NeedStatus.ACTIVE),
               Need.student_id.in_(students))
        .order_by(Need.due_on.is_(None), Need.due_on)).all()
    return {"contacts": contacts, "interventions": interventions, "needs": needs}


def open_follow_ups_of_student(student: Student) -> list[Interaction]:
    """Return the student's follow-ups not yet done, soonest first."""
    return list(db.session.scalars(
        select(Interaction).where(Interaction.student_id == student.id,
                                  Interaction.follow_up_due_on.is_not(None),
                                  Interaction.follow_up_done_at.is_(None))
        .order_by(Interaction.follow_up_due_on)))


def participant_ids(interaction: Interaction) -> tuple[list[int], list[int]]:
    """Return the staff ids and guardian ids who took part in an interaction."""
    rows = db.session.scalars(select(InteractionParticipant).where(
        InteractionParticipant.interaction_id == interaction.id)).all()
    return ([r.user_id for r in rows if r.user_id], [r.guardian_id for r in rows if r.guardian_id])


def revisions_of(interaction: Interaction) -> list[tuple[InteractionRevision, str | None]]:
    """Return the earlier versions of an interaction with their editor's name, newest first."""
    return list(db.session.execute(
        select(InteractionRevision, User.full_name)
        .outerjoin(User, User.id == InteractionRevision.edited_by_id)
        .where(InteractionRevision.interaction_id == interaction.id)
        .order_by(InteractionRevision.edited_at.desc(), InteractionRevision.id.desc())).all())


def taught_student_ids(teacher: User) -> Select:
    """Select the active students of the teacher's active sections."""
    return (select(Enrollment.student_id)
            .join(Section, Section.id == Enrollment.section_id)
            .join(Student, Student.id == Enrollment.student_id)
            .where(Section.teacher_id == teacher.id, Section.is_active.is_(true()),
                   Student.is_active.is_(true())))


def note_roster(teacher: User, week: date) -> list[dict]:
    """Return the teacher's students, by name, with the families a note reaches and the
    note already sent this week (None if not yet)."""
    students = db.session.scalars(select(Student).where(
        Student.id.in_(taught_student_ids(teacher))).order_by(Student.sort_name, Student.id)).all()
    ids = [student.id for student in students]
    families = informable_guardians(ids)
    notes = dict(db.session.execute(
        select(TeacherNote.student_id, Interaction.summary)
        .join(Interaction, Interaction.id == TeacherNote.interaction_id)
        .where(TeacherNote.teacher_id == teacher.id, TeacherNote.week_of == week,
               TeacherNote.student_id.in_(ids))).all())
    return [{"student": student, "families": families.get(student.id, []),
             "note": notes.get(student.id)} for student in students]
