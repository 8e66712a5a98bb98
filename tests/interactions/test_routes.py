"""Logging contacts, editing with history, follow-ups and the last successful contact."""

from datetime import datetime

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.models import Role
from portal.extensions import db
from portal.interactions.models import Interaction, InteractionParticipant, InteractionRevision
from portal.people.models import Guardian
from tests import factories as f
from tests.people.helpers import classroom


def _form(room, **changes) -> dict:
    data = {"channel": "phone", "direction": "outbound", "occurred_at": "2026-10-05T15:30",
            "summary": "Talked about homework", "outcome": "reached", "visibility": "staff",
            "staff_ids": [str(room.teacher.id)], "guardian_ids": [str(room.guardian.id)],
            "follow_up_due_on": "", "follow_up_owner_id": ""}
    data.update(changes)
    return data


def test_logging_a_contact_saves_participants_audits_and_updates_last_contact(app, login_as):
    room = classroom()
    response = login_as(room.teacher).post(f"/interactions/new/{room.student.id}",
                                           data=_form(room))
    assert response.status_code == 302
    interaction = db.session.scalar(select(Interaction))
    # 15:30 in New York (EDT) is 19:30 UTC.
    assert interaction.occurred_at == datetime(2026, 10, 5, 19, 30)
    people = db.session.scalars(select(InteractionParticipant)).all()
    assert {p.user_id for p in people} - {None} == {room.teacher.id}
    assert {p.guardian_id for p in people} - {None} == {room.guardian.id}
    assert db.session.get(Guardian, room.guardian.id).last_successful_contact_at == \
        interaction.occurred_at
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "interaction"))
    assert audit.action == "create" and audit.changes["summary"][1] == "Talked about homework"


def test_an_unsuccessful_contact_leaves_last_contact_alone(app, login_as):
    room = classroom()
    login_as(room.teacher).post(f"/interactions/new/{room.student.id}",
                                data=_form(room, outcome="no_answer"))
    assert db.session.get(Guardian, room.guardian.id).last_successful_contact_at is None


def test_bad_input_is_refused_next_to_the_field_and_nothing_saved(app, login_as):
    room = classroom()
    outsider_parent = f.make_user(Role.GUARDIAN)
    db.session.commit()
    client = login_as(room.teacher)
    response = client.post(f"/interactions/new/{room.student.id}", data=_form(
        room, summary="", occurred_at="05/10/2026", follow_up_due_on="2026-13-45"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Write a short summary." in page
    assert "Enter the date and time as YYYY-MM-DD HH:MM." in page
    assert 'id="follow_up_due_on-error"' in page
    response = client.post(f"/interactions/new/{room.student.id}", data=_form(
        room, follow_up_due_on="2026-10-10", follow_up_owner_id=str(outsider_parent.id)))
    assert response.status_code == 400
    assert "Choose a staff member of this school." in response.get_data(as_text=True)
    assert db.session.scalar(select(Interaction)) is None


def test_teacher_of_another_class_cannot_log_or_edit(app, login_as):
    room = classroom()
    interaction = f.make_interaction(room.student, room.teacher)
    db.session.commit()
    client = login_as(room.other_teacher)
    assert client.post(f"/interactions/new/{room.student.id}", data=_form(room)).status_code == 404
    assert client.get(f"/interactions/{interaction.id}/edit").status_code == 404
    assert client.post(f"/interactions/{interaction.id}/done").status_code == 404


def test_edits_keep_the_earlier_version(app, login_as):
    room = classroom()
    interaction = f.make_interaction(room.student, room.teacher, summary="First text")
    db.session.commit()
    client = login_as(room.teacher)
    response = client.post(f"/interactions/{interaction.id}/edit",
                           data=_form(room, summary="Corrected text"))
    assert response.status_code == 302
    revision = db.session.scalar(select(InteractionRevision))
    assert revision.previous["summary"] == "First text"
    assert db.session.get(Interaction, interaction.id).summary == "Corrected text"
    page = client.get(f"/interactions/{interaction.id}/edit").get_data(as_text=True)
    assert "Earlier versions" in page and "First text" in page


def test_only_the_author_or_an_administrator_may_edit(app, login_as):
    room = classroom()
    colleague = f.make_user(Role.COUNSELLOR, room.school)
    f.assign_counsellor(colleague, room.school, room.student.grade_level)
    interaction = f.make_interaction(room.student, room.teacher)
    db.session.commit()
    response = login_as(colleague).post(f"/interactions/{interaction.id}/edit",
                                        data=_form(room, summary="Not mine"))
    assert response.status_code == 403
    assert db.session.get(Interaction, interaction.id).summary == "Called home"


def test_my_follow_ups_lists_due_ones_and_marks_done_or_logs_the_follow_up(app, login_as):
    room = classroom()
    client = login_as(room.teacher)
    client.post(f"/interactions/new/{room.student.id}", data=_form(
        room, summary="Call back about the trip", follow_up_due_on="2026-01-10"))
    first = db.session.scalar(select(Interaction))
    assert first.follow_up_owner_id == room.teacher.id
    page = client.get("/interactions/follow-ups").get_data(as_text=True)
    assert "Call back about the trip" in page and "Overdue" in page
    client.post(f"/interactions/new/{room.student.id}?follows={first.id}",
                data=_form(room, summary="Called back"))
    db.session.expire_all()
    assert db.session.get(Interaction, first.id).follow_up_done_at is not None
    assert "Call back about the trip" not in client.get("/interactions/follow-ups").get_data(
        as_text=True)


def test_mark_done_from_the_follow_ups_page(app, login_as):
    room = classroom()
    interaction = f.make_interaction(room.student, room.teacher, follow_up_due_on=datetime(
        2026, 10, 9).date(), follow_up_owner_id=room.teacher.id)
    db.session.commit()
    response = login_as(room.teacher).post(f"/interactions/{interaction.id}/done")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Interaction, interaction.id).follow_up_done_at is not None


def _participants(interaction_id: int) -> tuple[set, set]:
    people = db.session.scalars(select(InteractionParticipant).where(
        InteractionParticipant.interaction_id == interaction_id)).all()
    return {p.user_id for p in people} - {None}, {p.guardian_id for p in people} - {None}


def test_editing_changes_who_took_part_and_keeps_the_earlier_participants(app, login_as):
    room = classroom()
    second = f.make_guardian(room.school)
    f.link(room.student, second)
    db.session.commit()
    login_as(room.teacher).post(f"/interactions/new/{room.student.id}", data=_form(room))
    interaction = db.session.scalar(select(Interaction))
    client = login_as(room.admin)
    page = client.get(f"/interactions/{interaction.id}/edit").get_data(as_text=True)
    assert 'name="staff_ids"' in page and 'name="guardian_ids"' in page
    response = client.post(f"/interactions/{interaction.id}/edit", data=_form(
        room, staff_ids=[str(room.teacher.id), str(room.other_teacher.id)],
        guardian_ids=[str(second.id)]))
    assert response.status_code == 302
    assert _participants(interaction.id) == ({room.teacher.id, room.other_teacher.id},
                                             {second.id})
    revision = db.session.scalar(select(InteractionRevision))
    assert revision.previous["staff_ids"] == [room.teacher.id]
    assert revision.previous["guardian_ids"] == [room.guardian.id]
    audit = db.session.scalar(select(AuditEvent).where(
        AuditEvent.object_type == "interaction", AuditEvent.action == "update"))
    assert audit.changes["guardian_ids"] == [[room.guardian.id], [second.id]]


def test_participants_from_another_family_or_school_are_refused(app, login_as):
    room = classroom()
    _parent, other_family = f.make_family(room.school, room.outsider)
    foreign_teacher = f.make_user(Role.TEACHER, f.make_school())
    db.session.commit()
    client = login_as(room.teacher)
    client.post(f"/interactions/new/{room.student.id}", data=_form(room))
    interaction = db.session.scalar(select(Interaction))
    response = client.post(f"/interactions/{interaction.id}/edit", data=_form(
        room, summary="Changed", guardian_ids=[str(other_family.id)]))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="guardian_ids-error"' in page and "Choose guardians of this student." in page
    response = client.post(f"/interactions/{interaction.id}/edit", data=_form(
        room, summary="Changed", staff_ids=[str(foreign_teacher.id)]))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="staff_ids-error"' in page and "Choose a staff member of this school." in page
    db.session.expire_all()
    assert db.session.get(Interaction, interaction.id).summary == "Talked about homework"
    assert _participants(interaction.id) == ({room.teacher.id}, {room.guardian.id})
    assert db.session.scalar(select(InteractionRevision)) is None


def test_a_contact_cannot_close_another_student_s_follow_up(app, login_as):
    """?follows= naming a follow-up about another student (both visible to the user): it is
    not closed by a contact logged about this one, nor filed under it."""
    room = classroom()
    theirs = f.make_interaction(room.outsider, room.admin, follow_up_due_on=datetime(
        2026, 10, 9).date(), follow_up_owner_id=room.admin.id)
    db.session.commit()
    response = login_as(room.admin).post(
        f"/interactions/new/{room.student.id}?follows={theirs.id}",
        data=_form(room, summary="Called back"))
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Interaction, theirs.id).follow_up_done_at is None
    assert db.session.scalar(select(func.count()).select_from(Interaction)) == 1
