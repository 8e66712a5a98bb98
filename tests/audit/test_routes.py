"""Administrators read a student's audit trail: views and every change, with who and what."""

from portal.audit import queries
from portal.extensions import db
from tests import factories as f
from tests.people.helpers import classroom, client_for


def test_administrator_sees_views_and_changes_of_a_student(app):
    room = classroom()
    teacher = client_for(app, room.teacher)
    teacher.get(f"/students/{room.student.id}")
    teacher.post(f"/needs/new/{room.student.id}", data={
        "kind": "health", "title": "Inhaler at school", "status": "open", "visibility": "staff",
        "owner_id": "", "due_on": ""})
    page = client_for(app, room.admin).get(f"/audit/students/{room.student.id}").get_data(
        as_text=True)
    assert room.teacher.full_name in page
    assert "View" in page and "Create" in page and "Inhaler at school" in page


def test_only_administrators_of_the_school_see_the_trail(app):
    room = classroom()
    stranger = f.make_user("administrator", f.make_school())
    db.session.commit()
    assert client_for(app, room.teacher).get(
        f"/audit/students/{room.student.id}").status_code == 403
    assert client_for(app, room.parent).get(
        f"/audit/students/{room.student.id}").status_code == 403
    assert client_for(app, stranger).get(
        f"/audit/students/{room.student.id}").status_code == 404


def test_a_page_past_the_last_of_the_trail_is_a_404_naming_the_last_page(app, monkeypatch):
    monkeypatch.setattr(queries, "PER_PAGE", 1)
    room = classroom()
    teacher = client_for(app, room.teacher)
    for _ in range(2):
        teacher.get(f"/students/{room.student.id}")
    admin = client_for(app, room.admin)
    trail = f"/audit/students/{room.student.id}"
    assert admin.get(f"{trail}?page=2").status_code == 200
    past_the_end = admin.get(f"{trail}?page=3")
    assert past_the_end.status_code == 404
    assert "its last page is 2" in past_the_end.get_data(as_text=True)
    for page in ("0", "-1", "two"):
        assert admin.get(f"{trail}?page={page}").status_code == 400
