"""Log, edit and follow up contacts with a family."""

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from portal.auth.models import Role, User
from portal.core.errors import DomainError, Forbidden
from portal.core.models import Visibility
from portal.core.permissions import can_close_follow_up, can_see_student
from portal.core.time import check_has_happened, utcnow
from portal.extensions import db
from portal.interactions.models import (
    Interaction,
    InteractionParticipant,
    InteractionRevision,
    Outcome,
)
from portal.people.changes import add_record, announce_change, check_unchanged_since, snapshot
from portal.people.models import Guardian, Student, StudentGuardian

EDITABLE = ("channel", "direction", "occurred_at", "summary", "outcome", "follow_up_due_on",
            "follow_up_owner_id", "visibility")


def _of_school(user: User, student: Student) -> bool:
    return user.is_staff and user.is_active and user.school_id == student.school_id


def check_staff_member(user: User | None, student: Student, *, field: str) -> None:
    """Refuse a person who is not an active staff member of the student's school."""
    if user is not None and not _of_school(user, student):
        raise DomainError(_("Choose a staff member of this school."), field=field)


def works_with(user: User | None, student: Student) -> bool:
    """Whether this is an active staff member of the student's school who may see them."""
    return user is not None and _of_school(user, student) and can_see_student(user, student.id)


def check_owner(user: User | None, student: Student, *, field: str,
                kept: int | None = None) -> None:
    """Refuse an owner (of a need, a follow-up, a plan) who could not open what they own: a
    staff member of the school who may see the student. An owner kept unchanged on an edit
    is not asked again."""
    check_staff_member(user, student, field=field)
    if user is not None and user.id != kept and not can_see_student(user, student.id):
        raise DomainError(_("Choose someone who works with this student: they could not "
                            "open it otherwise."), field=field)


def chosen_user(user_id: int | None, *, field: str) -> User | None:
    """The user a form's choice names (None for its empty choice); an id that names nobody
    is refused, not read as "nobody"."""
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None:
        raise DomainError(_("That choice is not available."), field=field)
    return user


def _staff_members(student: Student, staff_ids) -> list[User]:
    if not staff_ids:
        return []
    staff = list(db.session.scalars(select(User).where(User.id.in_(staff_ids))))
    if len(staff) != len(set(staff_ids)):
        raise DomainError(_("Choose a staff member of this school."), field="staff_ids")
    for member in staff:
        check_staff_member(member, student, field="staff_ids")
    return staff


def _linked_guardians(student: Student, guardian_ids) -> list[Guardian]:
    if not guardian_ids:
        return []
    guardians = list(db.session.scalars(
        select(Guardian).join(StudentGuardian, StudentGuardian.guardian_id == Guardian.id)
        .where(StudentGuardian.student_id == student.id, Guardian.id.in_(guardian_ids))))
    if len(guardians) != len(set(guardian_ids)):
        raise DomainError(_("Choose guardians of this student."), field="guardian_ids")
    return guardians


def _record_successful_contact(interaction: Interaction, guardians: list[Guardian],
                               student: Student) -> None:
    """Keep each family's last successful contact current (all linked ones if none named)."""
    if interaction.outcome not in Outcome.SUCCESSFUL:
        return
    if not guardians:
        guardians = [link.guardian for link in student.guardian_links]
    for guardian in guardians:
        last = guardian.last_successful_contact_at
        if last is None or last < interaction.occurred_at:
            guardian.last_successful_contact_at = interaction.occurred_at


def log_interaction(*, student: Student, author: User, channel: str, occurred_at: datetime,
                    summary: str, direction: str = "outbound", outcome: str | None = None,
                    staff_ids: list[int] = (), guardian_ids: list[int] = (),
                    follow_up_due_on: date | None = None, follow_up_owner: User | None = None,
                    visibility: str = Visibility.STAFF,
                    follows: Interaction | None = None) -> Interaction:
    """Record a contact with the student's family, with who took part and any follow-up."""
    check_has_happened(occurred_at, field="occurred_at")
    staff = _staff_members(student, staff_ids)
    check_owner(follow_up_owner, student, field="follow_up_owner_id")
    if follow_up_due_on and follow_up_owner is None:
        follow_up_owner = author
    guardians = _linked_guardians(student, guardian_ids)
    interaction = Interaction(
        student_id=student.id, author_id=author.id, channel=channel, direction=direction,
        occurred_at=occurred_at, summary=summary.strip(), outcome=outcome or None,
        follow_up_due_on=follow_up_due_on,
        follow_up_owner_id=follow_up_owner.id if follow_up_owner else None,
        visibility=visibility)
    interaction.participants = _participants(staff, guardians)
    add_record(interaction, actor=author, object_type="interaction", student=student,
               fields=EDITABLE)
    _record_successful_contact(interaction, guardians, student)
    if follows is not None:
        complete_follow_up(interaction=follows, actor=author, student=student)
    return interaction


def _participants(staff: list[User], guardians: list[Guardian]) -> list[InteractionParticipant]:
    return ([InteractionParticipant(user_id=member.id) for member in staff]
            + [InteractionParticipant(guardian_id=guardian.id) for guardian in guardians])


def _participant_ids(interaction: Interaction) -> dict[str, list[int]]:
    people = interaction.participants
    return {"staff_ids": sorted(p.user_id for p in people if p.user_id),
            "guardian_ids": sorted(p.guardian_id for p in people if p.guardian_id)}


def may_edit(user: User, interaction: Interaction) -> bool:
    """Return True when the user wrote the interaction or is an administrator."""
    return user.id == interaction.author_id or user.role == Role.ADMINISTRATOR


def edit_interaction(*, interaction: Interaction, student: Student, editor: User,
                     staff_ids: list[int] | None = None, guardian_ids: list[int] | None = None,
                     seen: str | None = None, **fields) -> Interaction:
    """Change an interaction (and who took part), keeping the earlier version as a revision,
    unless it changed since the form (`seen`) was filled in."""
    if not may_edit(editor, interaction):
        raise Forbidden(_("Only the author or an administrator may edit this record."))
    check_unchanged_since(interaction, EDITABLE, seen)
    if "occurred_at" in fields:
        check_has_happened(fields["occurred_at"], field="occurred_at")
    owner = fields.pop("follow_up_owner", None)
    check_owner(owner, student, field="follow_up_owner_id", kept=interaction.follow_up_owner_id)
    fields["follow_up_owner_id"] = owner.id if owner else None
    people = None if staff_ids is None and guardian_ids is None else (
        _staff_members(student, staff_ids), _linked_guardians(student, guardian_ids))
    before = snapshot(interaction, EDITABLE) | _participant_ids(interaction)
    for name, value in fields.items():
        setattr(interaction, name, value)
    interaction.outcome = interaction.outcome or None
    if people is not None:
        interaction.participants = _participants(*people)
    db.session.flush()
    after = snapshot(interaction, EDITABLE) | _participant_ids(interaction)
    changes = {name: [old, after[name]] for name, old in before.items() if old != after[name]}
    if not changes:
        return interaction
    db.session.add(InteractionRevision(interaction_id=interaction.id, edited_by_id=editor.id,
                                       edited_at=utcnow(), previous=before))
    db.session.flush()
    _record_successful_contact(interaction, people[1] if people else [], student)
    announce_change(actor=editor, action="update", object_type="interaction", record=interaction,
                    student=student, changes=changes)
    return interaction


def complete_follow_up(*, interaction: Interaction, actor: User, student: Student) -> None:
    """Mark an interaction's follow-up as done (its owner, the author or an administrator)."""
    if not can_close_follow_up(actor, interaction):
        raise Forbidden(_("Only the follow-up's owner, the contact's author or an administrator "
                          "may close it."))
    if interaction.follow_up_done_at is not None:
        return
    interaction.follow_up_done_at = utcnow()
    db.session.flush()
    announce_change(actor=actor, action="update", object_type="interaction", record=interaction,
                    student=student, changes={"follow_up_done_at": [None, "done"]})
