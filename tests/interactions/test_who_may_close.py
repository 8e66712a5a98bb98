"""Who may close a follow-up: its owner, the contact's author or an administrator."""

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from portal.core.errors import Forbidden
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.interactions.services import complete_follow_up
from tests import factories as f
from tests.people.helpers import classroom_with_counsellors


def _follow_up_room() -> SimpleNamespace:
    """The teacher logged a call whose follow-up a counsellor owns; a colleague sees it too."""
    room = classroom_with_counsellors()
    room.call = f.make_interaction(room.student, room.teacher, summary="Call about the trip",
                                   follow_up_due_on=date(2026, 12, 1),
                                   follow_up_owner_id=room.owner.id)
    db.session.commit()
    return room


def _done(interaction_id: int) -> bool:
    db.session.expire_all()
    return db.session.get(Interaction, interaction_id).follow_up_done_at is not None


@pytest.mark.parametrize("who", ["owner", "teacher", "admin"])
def test_the_owner_the_author_and_an_administrator_may_close_it(app, login_as, who):
    room = _follow_up_room()
    response = login_as(getattr(room, who)).post(f"/interactions/{room.call.id}/done")
    assert response.status_code == 302
    assert _done(room.call.id)


def test_another_staff_member_may_not_close_it_nor_log_a_contact_that_closes_it(app, login_as):
    room = _follow_up_room()
    client = login_as(room.colleague)
    assert client.post(f"/interactions/{room.call.id}/done").status_code == 403
    response = client.post(f"/interactions/new/{room.student.id}?follows={room.call.id}", data={
        "channel": "phone", "direction": "outbound", "occurred_at": "2026-11-20T10:00",
        "summary": "Called back", "outcome": "reached", "visibility": "staff"})
    assert response.status_code == 403
    assert not _done(room.call.id)
    assert db.session.scalar(select(func.count()).select_from(Interaction)) == 1


def test_the_profile_offers_mark_done_only_to_those_who_may(app, login_as):
    room = _follow_up_room()
    mine = login_as(room.owner).get(f"/students/{room.student.id}").get_data(as_text=True)
    theirs = login_as(room.colleague).get(f"/students/{room.student.id}").get_data(as_text=True)
    assert "Call about the trip" in mine and "Call about the trip" in theirs
    assert f"/interactions/{room.call.id}/done" in mine
    assert f"/interactions/{room.call.id}/done" not in theirs


def test_the_service_refuses_someone_else_too(app):
    room = _follow_up_room()
    with pytest.raises(Forbidden):
        complete_follow_up(interaction=room.call, actor=room.colleague, student=room.student)
    db.session.rollback()
    assert not _done(room.call.id)
