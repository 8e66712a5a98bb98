"""Missing, late and excused work in the grade grid: entry, validation, reopening, audit."""

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.outcomes.models import Grade, WorkMark
from tests.outcomes.test_entry import _grade_grid, _second_student
from tests.people.helpers import classroom


def _marks():
    return sorted((m.student_id, m.status, m.due_on.isoformat())
                  for m in db.session.scalars(select(WorkMark)))


def test_marks_are_saved_beside_the_scores_and_reopened(app, login_as):
    room = classroom()
    classmate = _second_student(room)
    client = login_as(room.teacher)
    response = _grade_grid(client, room, {room.student.id: "", classmate.id: "12"},
                           **{f"status-{room.student.id}": "missing",
                              f"status-{classmate.id}": "late"})
    assert response.status_code == 302
    assert _marks() == sorted([(room.student.id, "missing", "2026-10-05"),
                               (classmate.id, "late", "2026-10-05")])
    assert [(g.student_id, g.score) for g in db.session.scalars(select(Grade))] == [
        (classmate.id, 12.0)]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<option value="missing" selected>' in page
    assert '<option value="late" selected>' in page


def test_a_missing_mark_with_a_score_is_refused_and_nothing_saved(app, login_as):
    room = classroom()
    classmate = _second_student(room)
    response = _grade_grid(login_as(room.teacher), room,
                           {room.student.id: "15", classmate.id: "9"},
                           **{f"status-{classmate.id}": "missing"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Missing or excused work has no score" in page
    assert f'id="score-{classmate.id}-error"' in page
    assert db.session.scalar(select(Grade)) is None and _marks() == []


def test_an_unknown_mark_or_a_mark_on_a_period_grade_is_refused(app, login_as):
    room = classroom()
    client = login_as(room.teacher)
    unknown = _grade_grid(client, room, {room.student.id: ""},
                          **{f"status-{room.student.id}": "lost"})
    assert unknown.status_code == 400
    assert "Choose missing, late or excused from the list." in unknown.get_data(as_text=True)
    period = _grade_grid(client, room, {room.student.id: "70"}, kind="period",
                         assessment_name="", max_score="100",
                         **{f"status-{room.student.id}": "late"})
    assert period.status_code == 400
    assert "Only an assessment" in period.get_data(as_text=True)
    assert _marks() == [] and db.session.scalar(select(Grade)) is None


def test_marking_scored_work_excused_removes_its_score_and_clearing_removes_the_mark(
        app, login_as):
    room = classroom()
    client = login_as(room.teacher)
    _grade_grid(client, room, {room.student.id: "15"})
    assert _grade_grid(client, room, {room.student.id: ""},
                       **{f"status-{room.student.id}": "excused"}).status_code == 302
    assert db.session.scalar(select(Grade)) is None
    assert _marks() == [(room.student.id, "excused", "2026-10-05")]
    assert _grade_grid(client, room, {room.student.id: "14"}).status_code == 302
    assert _marks() == []
    audit = db.session.scalars(select(AuditEvent.object_type)
                               .where(AuditEvent.action == "delete")
                               .order_by(AuditEvent.id)).all()
    assert audit == ["grade", "work_mark"]
