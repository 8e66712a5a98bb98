"""Who may change a need: its owner, its author or an administrator; other staff only read it."""

from types import SimpleNamespace

import pytest

from portal.core.errors import Forbidden
from portal.extensions import db
from portal.needs.models import Need
from portal.needs.services import update_need
from tests.people.helpers import classroom_with_counsellors

FORM = {"kind": "health", "title": "Changed title", "details": "Changed notes", "owner_id": "",
        "status": "resolved", "due_on": "", "visibility": "family"}


def _staff_room() -> SimpleNamespace:
    """The teacher records a need owned by a counsellor; a second counsellor also sees it."""
    room = classroom_with_counsellors()
    room.need = Need(student_id=room.student.id, kind="learning_support", title="Reading support",
                     details="Screen in spring", status="open", owner_id=room.owner.id,
                     created_by_id=room.teacher.id, visibility="staff")
    db.session.add(room.need)
    db.session.commit()
    return room


def _unchanged(room) -> bool:
    db.session.expire_all()
    need = db.session.get(Need, room.need.id)
    return (need.title, need.details, need.status, need.visibility, need.owner_id) == (
        "Reading support", "Screen in spring", "open", "staff", room.owner.id)


@pytest.mark.parametrize("who", ["owner", "teacher", "admin"])
def test_the_owner_the_author_and_an_administrator_may_change_a_need(app, login_as, who):
    room = _staff_room()
    response = login_as(getattr(room, who)).post(
        f"/needs/{room.need.id}/edit", data={**FORM, "owner_id": str(room.owner.id)})
    assert response.status_code == 302
    db.session.expire_all()
    need = db.session.get(Need, room.need.id)
    assert (need.status, need.visibility, need.details) == ("resolved", "family", "Changed notes")


def test_other_staff_who_see_the_student_read_the_need_but_may_not_change_it(app, login_as):
    room = _staff_room()
    client = login_as(room.colleague)
    page = client.get(f"/needs/{room.need.id}/edit")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Reading support" in text and "<fieldset disabled>" in text and ">Save<" not in text
    for data in (FORM, {**FORM, "status": "open", "visibility": "staff"}):
        assert client.post(f"/needs/{room.need.id}/edit", data=data).status_code == 403
    assert _unchanged(room)


def test_staff_who_may_not_see_the_student_get_404(app, login_as):
    room = _staff_room()
    client = login_as(room.other_teacher)
    assert client.get(f"/needs/{room.need.id}/edit").status_code == 404
    assert client.post(f"/needs/{room.need.id}/edit", data=FORM).status_code == 404
    assert _unchanged(room)


def test_the_service_refuses_a_change_by_someone_else_too(app):
    room = _staff_room()
    with pytest.raises(Forbidden):
        update_need(need=room.need, student=room.student, actor=room.colleague, owner=None,
                    status="declined")
    db.session.rollback()
    assert _unchanged(room)
