"""Programs and who takes part (administrators); intervention plans from a student's page."""

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.errors import Conflict
from portal.extensions import db
from portal.outcomes.intervention_services import add_intervention_note
from portal.outcomes.models import (
    Intervention,
    InterventionNote,
    Program,
    ProgramEnrollment,
)
from tests import factories as f
from tests.people.helpers import classroom, client_for


def test_administrator_adds_a_program_and_its_participants(app, login_as):
    room = classroom()
    client = login_as(room.admin)
    client.post("/outcomes/programs", data={"name": "Homework club", "kind": "tutoring"})
    program = db.session.scalar(select(Program))
    assert program.school_id == room.school.id
    response = client.post(f"/outcomes/programs/{program.id}", data={
        "student_id": str(room.student.id), "starts_on": "2026-09-15", "ends_on": ""})
    assert response.status_code == 302
    enrollment = db.session.scalar(select(ProgramEnrollment))
    client.post(f"/outcomes/program-enrollments/{enrollment.id}/end",
                data={"ends_on": "2026-12-20"})
    db.session.expire_all()
    assert db.session.get(ProgramEnrollment, enrollment.id).ends_on.isoformat() == "2026-12-20"
    assert "Homework club" in client.get(f"/outcomes/programs/{program.id}").get_data(as_text=True)


def test_program_dates_and_duplicates_are_checked(app, login_as):
    room = classroom()
    client = login_as(room.admin)
    client.post("/outcomes/programs", data={"name": "Football", "kind": "sport"})
    program = db.session.scalar(select(Program))
    url = f"/outcomes/programs/{program.id}"
    response = client.post(url, data={"student_id": str(room.student.id),
                                      "starts_on": "2026-09-15", "ends_on": "2026-09-01"})
    assert "The end date must be on or after the start date." in response.get_data(as_text=True)
    client.post(url, data={"student_id": str(room.student.id), "starts_on": "2026-09-15"})
    response = client.post(url, data={"student_id": str(room.student.id),
                                      "starts_on": "2026-10-01"})
    assert "already takes part" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(ProgramEnrollment)).all()) == 1


def test_teachers_and_other_schools_cannot_manage_programs(app, login_as):
    room = classroom()
    program = Program(school_id=room.school.id, name="Chess", kind="club")
    db.session.add(program)
    stranger = f.make_user("administrator", f.make_school())
    db.session.commit()
    assert login_as(room.teacher).get("/outcomes/programs").status_code == 403
    assert client_for(app, stranger).get(f"/outcomes/programs/{program.id}").status_code == 404


def _open_plan(client, room, **changes):
    data = {"reason": "Many absences", "goal": "Attend every day in November",
            "actions": "Morning check-in", "owner_id": str(room.teacher.id),
            "review_on": "2099-11-30", "visibility": "staff", "need_id": "",
            "risk_assessment_id": ""}
    data.update(changes)
    return client.post(f"/outcomes/students/{room.student.id}/interventions/new", data=data)


def test_open_note_and_close_an_intervention(app, login_as):
    room = classroom()
    client = login_as(room.teacher)
    assert _open_plan(client, room).status_code == 302
    plan = db.session.scalar(select(Intervention))
    assert plan.status == "open" and plan.owner_id == room.teacher.id
    assert "Attend every day" in client.get("/interactions/follow-ups").get_data(as_text=True)
    assert "Attend every day" in client.get(f"/students/{room.student.id}").get_data(as_text=True)
    client.post(f"/outcomes/interventions/{plan.id}/note", data={"body": "Came 4 days of 5"})
    client.post(f"/outcomes/interventions/{plan.id}/close", data={"outcome": "improved"})
    db.session.expire_all()
    plan = db.session.get(Intervention, plan.id)
    assert plan.status == "closed" and plan.outcome == "improved" and plan.closed_on
    assert db.session.scalar(select(InterventionNote)).body == "Came 4 days of 5"
    assert len(db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "intervention")).all()) == 3


def test_intervention_bad_input_is_refused(app, login_as):
    room = classroom()
    client = login_as(room.teacher)
    response = _open_plan(client, room, goal="", review_on="2020-01-01",
                          owner_id=str(room.parent.id))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Write the goal." in page
    response = _open_plan(client, room, owner_id=str(room.parent.id))
    assert "Choose a staff member of this school." in response.get_data(as_text=True)
    response = _open_plan(client, room, review_on="2020-01-01")
    assert "The review date cannot be in the past." in response.get_data(as_text=True)
    assert db.session.scalar(select(Intervention)) is None


def test_another_teacher_cannot_see_the_plan(app, login_as):
    room = classroom()
    _open_plan(login_as(room.teacher), room)
    plan = db.session.scalar(select(Intervention))
    client = client_for(app, room.other_teacher)
    assert client.get(f"/outcomes/interventions/{plan.id}").status_code == 404
    assert client.post(f"/outcomes/interventions/{plan.id}/close",
                       data={"outcome": "worse"}).status_code == 404


def test_administrator_edits_deactivates_and_reactivates_a_program(app, login_as):
    room = classroom()
    client = login_as(room.admin)
    client.post("/outcomes/programs", data={"name": "Chess", "kind": "club"})
    program = db.session.scalar(select(Program))
    client.post(f"/outcomes/programs/{program.id}", data={
        "student_id": str(room.student.id), "starts_on": "2026-09-15"})
    assert 'value="Chess"' in client.get(f"/outcomes/programs/{program.id}/edit").get_data(
        as_text=True)
    response = client.post(f"/outcomes/programs/{program.id}/edit", data={
        "name": "Chess and go", "kind": "tutoring", "description": "Thursdays"})
    assert response.status_code == 302
    db.session.expire_all()
    program = db.session.get(Program, program.id)
    assert (program.name, program.kind, program.description) == (
        "Chess and go", "tutoring", "Thursdays")
    audit = db.session.scalar(select(AuditEvent).where(
        AuditEvent.object_type == "program", AuditEvent.action == "update"))
    assert audit.changes["name"] == ["Chess", "Chess and go"]

    client.post(f"/outcomes/programs/{program.id}/status", data={})
    db.session.expire_all()
    assert db.session.get(Program, program.id).is_active is False
    page = client.get(f"/outcomes/programs/{program.id}").get_data(as_text=True)
    assert "Inactive" in page and room.student.last_name in page  # history stays
    assert 'name="student_id"' not in page  # no new participants offered
    other = f.make_student(room.school, last_name="Newcomer")
    db.session.commit()
    response = client.post(f"/outcomes/programs/{program.id}", data={
        "student_id": str(other.id), "starts_on": "2026-10-01"})
    assert "inactive" in response.get_data(as_text=True)
    assert db.session.scalar(select(ProgramEnrollment).where(
        ProgramEnrollment.student_id == other.id)) is None

    client.post(f"/outcomes/programs/{program.id}/status", data={"is_active": "y"})
    db.session.expire_all()
    assert db.session.get(Program, program.id).is_active is True
    assert 'name="student_id"' in client.get(f"/outcomes/programs/{program.id}").get_data(
        as_text=True)


def test_a_program_needs_a_name_and_a_known_kind_when_edited(app, login_as):
    room = classroom()
    program = Program(school_id=room.school.id, name="Chess", kind="club")
    db.session.add(program)
    db.session.commit()
    response = login_as(room.admin).post(f"/outcomes/programs/{program.id}/edit", data={
        "name": "", "kind": "nonsense"})
    assert response.status_code == 400
    assert "Name the program." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Program, program.id).name == "Chess"


def test_only_administrators_of_the_school_edit_or_deactivate_a_program(app, login_as):
    room = classroom()
    program = Program(school_id=room.school.id, name="Chess", kind="club")
    db.session.add(program)
    stranger = f.make_user("administrator", f.make_school())
    db.session.commit()
    teacher = login_as(room.teacher)
    assert teacher.get(f"/outcomes/programs/{program.id}/edit").status_code == 403
    assert teacher.post(f"/outcomes/programs/{program.id}/status").status_code == 403
    other = client_for(app, stranger)
    assert other.post(f"/outcomes/programs/{program.id}/edit", data={
        "name": "Mine", "kind": "club"}).status_code == 404
    assert other.post(f"/outcomes/programs/{program.id}/status").status_code == 404
    db.session.expire_all()
    program = db.session.get(Program, program.id)
    assert program.name == "Chess" and program.is_active is True


def test_the_plan_page_shows_what_the_form_saved(app, login_as):
    """Owner, the need and the risk flag it answers, and who may read it, as chosen; the
    outsider's need or flag is refused, not shown."""
    from datetime import datetime

    from portal.needs.models import Need
    from portal.risk.models import RiskAssessment
    from portal.risk.services import current_rule_set

    room = classroom()
    need = Need(student_id=room.student.id, kind="learning_support", title="Reading support")
    other_need = Need(student_id=room.outsider.id, kind="health", title="Outsider's inhaler")
    rules = current_rule_set(room.school)
    flag = RiskAssessment(student_id=room.student.id, rule_set_id=rules.id, score=4,
                          level="high", reasons=[], computed_at=datetime(2026, 11, 10, 23))
    db.session.add_all([need, other_need, flag])
    db.session.commit()
    client = login_as(room.teacher)
    refused = _open_plan(client, room, need_id=str(other_need.id))
    assert refused.status_code == 400 and db.session.scalar(select(Intervention)) is None
    assert _open_plan(client, room, need_id=str(need.id), risk_assessment_id=str(flag.id),
                      owner_id=str(room.admin.id), visibility="family").status_code == 302
    plan = db.session.scalar(select(Intervention))
    page = client.get(f"/outcomes/interventions/{plan.id}").get_data(as_text=True)
    for shown in (room.admin.full_name, "Reading support", "Shared with the family",
                  "High", "Nov 10, 2026"):
        assert shown in page
    assert "inhaler" not in page
    _open_plan(client, room, reason="Second plan")
    second = db.session.scalar(select(Intervention).where(Intervention.reason == "Second plan"))
    page = client.get(f"/outcomes/interventions/{second.id}").get_data(as_text=True)
    assert "Staff only" in page and "Related need" not in page and "Related risk flag" not in page


def test_an_open_plan_is_changed_its_new_owner_told_and_the_change_audited(app, login_as,
                                                                           clock):
    """The review date moved, the plan handed to a colleague (who is told, as the first
    owner was when it was opened for them); an unchanged review date already past may stay,
    a new one may not be past; a closed plan is history (409)."""
    from portal.notifications.models import StaffNotification

    room = classroom()
    counsellor = f.make_user("counsellor", room.school)
    f.assign_counsellor(counsellor, room.school, room.student.grade_level)
    db.session.commit()
    client = login_as(room.teacher)
    _open_plan(client, room, owner_id=str(counsellor.id), review_on="2026-11-30")
    plan = db.session.scalar(select(Intervention))
    told = db.session.scalars(select(StaffNotification.user_id)).all()
    assert told == [counsellor.id]  # opened for a colleague: they hear of it
    assert "Change the plan" in client.get(f"/outcomes/interventions/{plan.id}").get_data(
        as_text=True)
    form = client.get(f"/outcomes/interventions/{plan.id}/edit").get_data(as_text=True)
    assert "Attend every day in November" in form and 'value="2026-11-30"' in form
    clock.advance(days=10)  # the review date has passed
    client = login_as(room.teacher)  # (a session idle for ten days has ended)
    edit = f"/outcomes/interventions/{plan.id}/edit"
    data = {"reason": "Many absences", "goal": "Attend every day in December",
            "actions": "", "owner_id": str(room.admin.id), "review_on": "2026-11-30",
            "visibility": "family", "need_id": "", "risk_assessment_id": ""}
    saved = client.post(edit, data=data)  # the past date kept as it was
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/{plan.id}")
    db.session.expire_all()
    plan = db.session.get(Intervention, plan.id)
    assert (plan.goal, plan.actions, plan.owner_id, plan.visibility) == (
        "Attend every day in December", None, room.admin.id, "family")
    told = db.session.scalars(select(StaffNotification.user_id)
                              .order_by(StaffNotification.id)).all()
    assert told == [counsellor.id, room.admin.id]
    audit = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "intervention", AuditEvent.action == "update")).all()
    assert len(audit) == 1 and {"goal", "actions", "owner_id", "visibility"} <= set(
        audit[0].changes)
    refused = client.post(edit, data={**data, "review_on": "2026-12-01"})  # now past
    assert refused.status_code == 400
    assert "The review date cannot be in the past." in refused.get_data(as_text=True)
    assert client.post(edit, data={**data, "review_on": "2026-12-20"}).status_code == 302
    client.post(f"/outcomes/interventions/{plan.id}/close", data={"outcome": "improved"})
    closed = client.post(edit, data={**data, "goal": "Rewritten after closing"})
    assert closed.status_code == 409
    assert "closed; its plan can no longer be changed" in closed.get_data(as_text=True)
    db.session.expire_all()
    plan = db.session.get(Intervention, plan.id)
    assert (plan.goal, plan.review_on.isoformat()) == ("Attend every day in December",
                                                       "2026-12-20")
    assert "Change the plan" not in client.get(f"/outcomes/interventions/{plan.id}").get_data(
        as_text=True)
    back = client.get(edit)  # an old link or a second tab: the plan, and why not the form
    assert back.status_code == 302 and back.headers["Location"].endswith(f"/{plan.id}")
    assert "closed; its plan can no longer be changed" in client.get(
        back.headers["Location"]).get_data(as_text=True)


def test_another_teacher_cannot_change_the_plan(app, login_as):
    room = classroom()
    _open_plan(login_as(room.teacher), room)
    plan = db.session.scalar(select(Intervention))
    client = client_for(app, room.other_teacher)
    assert client.get(f"/outcomes/interventions/{plan.id}/edit").status_code == 404
    assert client.post(f"/outcomes/interventions/{plan.id}/edit", data={
        "reason": "x", "goal": "Taken over", "owner_id": str(room.other_teacher.id),
        "visibility": "staff"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Intervention, plan.id).goal == "Attend every day in November"


def test_the_plan_forms_flag_choice_is_said_in_the_readers_language(app, login_as):
    """The level was written as its code ("watch") inside a German sentence."""
    from datetime import datetime

    from portal.risk.models import RiskAssessment
    from portal.risk.services import current_rule_set

    room = classroom()
    db.session.add(RiskAssessment(student_id=room.student.id, score=2, level="watch", reasons=[],
                                  rule_set_id=current_rule_set(room.school).id,
                                  computed_at=datetime(2026, 11, 10, 23)))
    room.teacher.preferred_language = "de"
    db.session.commit()
    page = login_as(room.teacher).get(
        f"/outcomes/students/{room.student.id}/interventions/new").get_data(as_text=True)
    assert "Neueste Risikomarkierung: beobachten" in page


def test_a_closed_plan_takes_no_more_notes(app, login_as):
    """A closed plan is history: a progress note is refused (409, saying why) by the page
    and by the service alike, and the page offers no note form."""
    room = classroom()
    client = login_as(room.teacher)
    _open_plan(client, room)
    plan = db.session.scalar(select(Intervention))
    client.post(f"/outcomes/interventions/{plan.id}/close", data={"outcome": "improved"})
    refused = client.post(f"/outcomes/interventions/{plan.id}/note",
                          data={"body": "Written after closing"})
    assert refused.status_code == 409
    assert "This intervention is closed; no more notes can be added." in refused.get_data(
        as_text=True)
    page = client.get(f"/outcomes/interventions/{plan.id}").get_data(as_text=True)
    assert "Add note" not in page and "no more notes can be added" in page
    db.session.expire_all()
    plan = db.session.get(Intervention, plan.id)
    with pytest.raises(Conflict):
        add_intervention_note(plan=plan, student=room.student, actor=room.teacher,
                              body="From elsewhere")
    db.session.rollback()
    assert db.session.scalar(select(InterventionNote)) is None
