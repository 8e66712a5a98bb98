"""A teacher takes a day's attendance and enters grades for a whole class; behaviour."""

import re

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.core.signals import attendance_recorded, student_data_changed
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.outcomes.models import BehaviourIncident, DailyAttendance, Grade
from portal.people.models import Enrollment, GradingPeriod
from tests import factories as f
from tests.people.helpers import classroom, client_for


def _second_student(room):
    classmate = f.make_student(room.school, first_name="Bea", last_name="Classmate")
    db.session.add(Enrollment(section_id=room.section.id, student_id=classmate.id))
    db.session.commit()
    return classmate


def test_attendance_defaults_to_present_and_saves_the_exceptions(app, login_as):
    room = classroom()
    classmate = _second_student(room)
    sent, changed = [], []

    def on_recorded(sender, records):
        sent.append(records)

    def on_changed(sender, student_id):
        changed.append(student_id)

    attendance_recorded.connect(on_recorded)
    student_data_changed.connect(on_changed)
    try:
        response = login_as(room.teacher).post(
            f"/outcomes/sections/{room.section.id}/attendance",
            data={"on_date": "2026-10-05", f"status-{classmate.id}": "absent_excused",
                  f"reason-{classmate.id}": "Dentist"})
    finally:
        attendance_recorded.disconnect(on_recorded)
        student_data_changed.disconnect(on_changed)
    assert response.status_code == 302
    rows = {r.student_id: r for r in db.session.scalars(select(DailyAttendance))}
    assert rows[room.student.id].status == "present"
    assert rows[classmate.id].status == "absent_excused" and rows[classmate.id].reason == "Dentist"
    assert len(sent) == 1 and len(sent[0]) == 2
    assert set(changed) == {room.student.id, classmate.id}
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type == "daily_attendance")) == 2


def test_retaking_attendance_updates_the_day(app, login_as):
    room = classroom()
    client = login_as(room.teacher)
    url = f"/outcomes/sections/{room.section.id}/attendance"
    client.post(url, data={"on_date": "2026-10-05"})
    client.post(url, data={"on_date": "2026-10-05", f"status-{room.student.id}": "tardy"})
    rows = db.session.scalars(select(DailyAttendance)).all()
    assert len(rows) == 1 and rows[0].status == "tardy"
    page = client.get(url + "?on_date=2026-10-05").get_data(as_text=True)
    assert 'value="tardy" checked' in page


def test_bad_attendance_is_refused_and_nothing_saved(app, login_as):
    room = classroom()
    classmate = _second_student(room)
    client = login_as(room.teacher)
    url = f"/outcomes/sections/{room.section.id}/attendance"
    response = client.post(url, data={"on_date": "2026-10-05", f"status-{classmate.id}": "asleep"})
    assert response.status_code == 400
    assert "Choose a status from the list." in response.get_data(as_text=True)
    response = client.post(url, data={"on_date": "2099-01-01"})
    assert "Attendance cannot be taken for a day in the future." in response.get_data(as_text=True)
    response = client.post(url, data={"on_date": "05/10/2026"})
    assert response.status_code == 400
    for before_the_year in ("1900-01-01", "2026-08-31"):  # the class's year: 1 Sep – 15 June
        response = client.post(url, data={"on_date": before_the_year})
        assert response.status_code == 400
        assert "Choose a day of this class&#39;s school year" in response.get_data(as_text=True)
    assert db.session.scalar(select(DailyAttendance)) is None


def test_an_absence_reason_longer_than_kept_is_refused_on_its_row(app, login_as):
    """It was a server error on PostgreSQL (value too long); kept to 200 characters."""
    room = classroom()
    client = login_as(room.teacher)
    url = f"/outcomes/sections/{room.section.id}/attendance"
    absent = {"on_date": "2026-10-05", f"status-{room.student.id}": "absent_excused"}
    response = client.post(url, data={**absent, f"reason-{room.student.id}": "é" * 201})
    assert response.status_code == 400
    assert "Keep the reason to 200 characters." in response.get_data(as_text=True)
    assert db.session.scalar(select(DailyAttendance)) is None
    saved = client.post(url, data={**absent, f"reason-{room.student.id}": "é" * 200})
    assert saved.status_code == 302
    assert db.session.scalar(select(DailyAttendance.reason)) == "é" * 200


def test_another_teacher_cannot_take_this_class(app, login_as):
    room = classroom()
    client = login_as(room.other_teacher)
    assert client.get(f"/outcomes/sections/{room.section.id}/attendance").status_code == 404
    assert client.post(f"/outcomes/sections/{room.section.id}/grades").status_code == 404


def _period(room) -> GradingPeriod:
    return db.session.scalar(select(GradingPeriod).where(GradingPeriod.term_id == room.term.id))


def _grade_grid(client, room, scores: dict, **fields):
    data = {"grading_period_id": _period(room).id, "kind": "assessment",
            "assessment_name": "Quiz 1", "max_score": "20", "recorded_on": "2026-10-05"}
    data.update(fields)
    data.update({f"score-{sid}": score for sid, score in scores.items()})
    return client.post(f"/outcomes/sections/{room.section.id}/grades", data=data)


def test_grade_grid_saves_every_score_at_once(app, login_as):
    room = classroom()
    classmate = _second_student(room)
    response = _grade_grid(login_as(room.teacher), room,
                           {room.student.id: "17,5", classmate.id: ""})
    assert response.status_code == 302
    grade = db.session.scalar(select(Grade))
    assert grade.student_id == room.student.id and grade.score == 17.5 and grade.max_score == 20
    assert db.session.scalar(select(func.count()).select_from(Grade)) == 1


def test_reopening_an_assessment_shows_its_scores_and_saving_updates_them(app, login_as):
    room = classroom()
    classmate = _second_student(room)
    client = login_as(room.teacher)
    response = _grade_grid(client, room, {room.student.id: "15", classmate.id: "12"})
    assert "Quiz+1" in response.headers["Location"]  # back on the same assessment
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'name="score-{room.student.id}" value="15"' in page
    assert f'name="score-{classmate.id}" value="12"' in page
    listing = client.get(f"/outcomes/sections/{room.section.id}/grades").get_data(as_text=True)
    assert "Quiz 1" in listing and f'name="score-{room.student.id}" value=""' in listing

    assert _grade_grid(client, room, {room.student.id: "15", classmate.id: "18"}
                       ).status_code == 302
    rows = db.session.scalars(select(Grade).order_by(Grade.student_id)).all()
    assert sorted((g.student_id, g.score) for g in rows) == sorted(
        [(room.student.id, 15.0), (classmate.id, 18.0)])
    updates = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "grade", AuditEvent.action == "update")).all()
    assert [(u.student_id, u.changes["score"]) for u in updates] == [(classmate.id, [12.0, 18.0])]


def test_a_score_cleared_in_the_grid_is_taken_away_and_one_not_shown_is_kept(app, login_as):
    """The grid shows the stored scores; emptying one (a mistaken grade) takes it away, with
    its removal in the audit trail. A student whose cell the page did not show (joined the
    class since) keeps theirs."""
    room = classroom()
    classmate = _second_student(room)
    client = login_as(room.teacher)
    _grade_grid(client, room, {room.student.id: "15", classmate.id: "12"})
    assert _grade_grid(client, room, {room.student.id: ""}).status_code == 302
    assert [(g.student_id, g.score) for g in db.session.scalars(select(Grade))] == [
        (classmate.id, 12.0)]
    removed = db.session.scalar(select(AuditEvent).where(
        AuditEvent.object_type == "grade", AuditEvent.action == "delete"))
    assert removed.student_id == room.student.id and removed.changes["score"] == [15.0, None]


def test_a_period_grade_is_reopened_and_updated_not_duplicated(app, login_as):
    room = classroom()
    client = login_as(room.teacher)
    _grade_grid(client, room, {room.student.id: "71"}, kind="period", assessment_name="",
                max_score="100")
    page = client.get(f"/outcomes/sections/{room.section.id}/grades", query_string={
        "grading_period_id": _period(room).id, "kind": "period"}).get_data(as_text=True)
    assert f'name="score-{room.student.id}" value="71"' in page
    _grade_grid(client, room, {room.student.id: "74"}, kind="period", assessment_name="",
                max_score="100")
    assert [g.score for g in db.session.scalars(select(Grade))] == [74.0]


def test_a_score_outside_the_scale_saves_nothing(app, login_as):
    room = classroom()
    classmate = _second_student(room)
    response = _grade_grid(login_as(room.teacher), room,
                           {room.student.id: "15", classmate.id: "25"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a score from 0 to 20." in page and f'id="score-{classmate.id}-error"' in page
    assert db.session.scalar(select(Grade)) is None


def test_the_scale_of_a_score_outside_it_is_written_in_the_teachers_language(app, login_as):
    room = classroom()
    room.teacher.preferred_language = "fa"
    db.session.commit()
    page = _grade_grid(login_as(room.teacher), room, {room.student.id: "25"},
                       max_score="20").get_data(as_text=True)
    assert "امتیازی از ۰ تا ۲۰ وارد کنید." in page  # Persian digits, as every number


@pytest.mark.parametrize("typed", ["1_0", "1e1", "inf", "nan", "0x10"])
def test_a_score_only_a_program_would_read_as_a_number_is_refused(app, login_as, typed):
    """Python reads "1_0" as 10 and "1e1" as 10.0: a typo saved as a score."""
    room = classroom()
    response = _grade_grid(login_as(room.teacher), room, {room.student.id: typed})
    assert response.status_code == 400 and "Enter a number." in response.get_data(as_text=True)
    assert db.session.scalar(select(Grade)) is None


@pytest.mark.parametrize(("typed", "said"), [
    ("1,000", "Could be 1000 or, with a decimal comma, 1: write the score without a thousands "
              "separator."),
    ("12,500", "Could be 12500 or, with a decimal comma, 12.5: write the score"),
    ("1.000,5", "Write the score without a thousands separator, with . or , as the decimal "
                "mark."),
])
def test_a_score_with_a_thousands_separator_is_refused_naming_its_readings(app, login_as,
                                                                           typed, said):
    """As the grades file (core.numbers): "1,000" is a thousand or one, never read as one."""
    room = classroom()
    classmate = _second_student(room)
    response = _grade_grid(login_as(room.teacher), room,
                           {room.student.id: "15", classmate.id: typed}, max_score="1000")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert said in page and f'id="score-{classmate.id}-error"' in page
    assert db.session.scalar(select(Grade)) is None


def test_the_readings_of_an_ambiguous_score_are_written_in_the_teachers_language(app,
                                                                                login_as):
    room = classroom()
    room.teacher.preferred_language = "de"
    db.session.commit()
    page = _grade_grid(login_as(room.teacher), room, {room.student.id: "12,500"},
                       max_score="1000").get_data(as_text=True)
    assert "Könnte 12500 oder, mit Dezimalkomma, 12,5 sein" in page


def test_a_score_that_reads_one_way_is_saved(app, login_as):
    room = classroom()
    classmate = _second_student(room)
    assert _grade_grid(login_as(room.teacher), room, {room.student.id: "0,125",
                                                      classmate.id: "1.000"}).status_code == 302
    assert sorted(grade.score for grade in db.session.scalars(select(Grade))) == [0.125, 1.0]


def test_an_assessment_needs_a_name(app, login_as):
    room = classroom()
    response = _grade_grid(login_as(room.teacher), room, {room.student.id: "15"},
                           assessment_name="")
    assert response.status_code == 400
    assert "Name the assessment." in response.get_data(as_text=True)


def test_behaviour_incident_is_logged_and_audited(app, login_as):
    room = classroom()
    response = login_as(room.teacher).post(f"/outcomes/students/{room.student.id}/behaviour", data={
        "occurred_at": "2026-10-05T10:00", "severity": "2", "category": "disruption",
        "description": "Threw a paper plane", "action_taken": "Talked after class",
        "visibility": "staff"})
    assert response.status_code == 302
    incident = db.session.scalar(select(BehaviourIncident))
    assert incident.severity == 2 and incident.reported_by_id == room.teacher.id
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.object_type == "behaviour_incident")).student_id == room.student.id


def test_behaviour_needs_a_description(app, login_as):
    room = classroom()
    response = login_as(room.teacher).post(f"/outcomes/students/{room.student.id}/behaviour", data={
        "occurred_at": "2026-10-05T10:00", "severity": "1", "category": "x", "description": "",
        "visibility": "staff"})
    assert response.status_code == 400
    assert "Describe what happened." in response.get_data(as_text=True)
    assert db.session.scalar(select(BehaviourIncident)) is None


@pytest.mark.parametrize("record", ["behaviour", "contact"])
def test_what_happened_cannot_be_dated_in_the_future(app, login_as, record):
    """A contact "in 2200" was every family's last contact for ever after (the student left
    the "no contact in N days" list); an incident "in 2200" sat in the behaviour chart."""
    room = classroom()
    client = login_as(room.teacher)
    if record == "behaviour":
        url, data = f"/outcomes/students/{room.student.id}/behaviour", {
            "severity": "1", "category": "disruption", "description": "Threw a paper plane",
            "visibility": "staff"}
    else:
        url, data = f"/interactions/new/{room.student.id}", {
            "channel": "phone", "direction": "outbound", "summary": "Called home",
            "outcome": "reached", "visibility": "staff"}
    response = client.post(url, data={**data, "occurred_at": "2200-01-01T10:00"})
    assert response.status_code == 400
    assert "This has not happened yet" in response.get_data(as_text=True)
    assert client.post(url, data={**data, "occurred_at": "2026-10-05T10:00"}).status_code == 302
    model = BehaviourIncident if record == "behaviour" else Interaction
    assert db.session.scalar(select(func.count()).select_from(model)) == 1


def _seen_marks(page: str) -> dict:
    return dict(re.findall(r'name="(seen-\d+)" value="([^"]*)"', page))


def test_a_colleague_s_mark_is_not_put_back_to_present_by_an_untouched_grid(app):
    """Ana is in Maths and English. Both teachers open the day; the maths teacher marks her
    absent; the English teacher saves the grid as it was shown: her absence stays. A mark
    the English teacher does change on the page is theirs."""
    room = classroom()
    english = f.make_section(room.school, room.other_teacher, room.student, term=room.term,
                             subject="English")
    db.session.commit()
    maths_url = f"/outcomes/sections/{room.section.id}/attendance?on_date=2026-10-05"
    english_url = f"/outcomes/sections/{english.id}/attendance?on_date=2026-10-05"
    maths, other = client_for(app, room.teacher), client_for(app, room.other_teacher)
    maths_seen = _seen_marks(maths.get(maths_url).get_data(as_text=True))
    english_seen = _seen_marks(other.get(english_url).get_data(as_text=True))
    student = room.student.id
    assert maths.post(maths_url, data={"on_date": "2026-10-05", **maths_seen,
                                       f"status-{student}": "absent_unexcused"}
                      ).status_code == 302
    assert other.post(english_url, data={"on_date": "2026-10-05", **english_seen,
                                         f"status-{student}": "present"}).status_code == 302
    assert db.session.scalar(select(DailyAttendance.status)) == "absent_unexcused"
    again = _seen_marks(other.get(english_url).get_data(as_text=True))
    other.post(english_url, data={"on_date": "2026-10-05", **again,
                                  f"status-{student}": "tardy"})
    db.session.expire_all()
    assert db.session.scalar(select(DailyAttendance.status)) == "tardy"
