"""Who may own a student's need, follow-up or plan: someone who may open it."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from portal.auth.models import Role
from portal.core.errors import DomainError
from portal.core.permissions import can_see_student, staff_who_may_see
from portal.extensions import db
from portal.family.services import submit_feedback
from portal.interactions.models import Interaction
from portal.needs.models import Feedback, Need
from portal.outcomes.intervention_services import open_intervention, update_intervention
from portal.outcomes.models import Intervention
from tests import factories as f
from tests.people.helpers import classroom


def _options(page: str, name: str) -> list[str]:
    """The values offered by the page's select of this name."""
    select_element = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select_element, name
    return re.findall(r'<option[^>]*value="([^"]*)"', select_element.group(1))


def _staff_around(room):
    """Every kind of staff member near the room's student, each either seeing it or not."""
    school, student = room.school, room.student
    named = f.make_user(Role.COUNSELLOR, school)
    student.counsellor_id = named.id
    of_grade, other_grade = (f.make_user(Role.COUNSELLOR, school) for _ in range(2))
    f.assign_counsellor(of_grade, school, student.grade_level)
    f.assign_counsellor(other_grade, school, student.grade_level + 1)
    former = f.make_user(Role.TEACHER, school)  # taught them in a class no longer active
    old = f.make_section(school, former, student, term=room.term)
    old.is_active = False
    elsewhere = f.make_school()
    outsider_admin = f.make_user(Role.ADMINISTRATOR, elsewhere)
    district_admin = f.make_district_admin(f.make_district(None, school))
    left = f.make_user(Role.ADMINISTRATOR, school)
    left.is_active_account = False
    db.session.commit()
    return [room.teacher, room.other_teacher, room.admin, named, of_grade, other_grade, former,
            outsider_admin, district_admin, left]


def test_the_staff_who_may_see_a_student_are_exactly_those_the_permissions_let_see_it(app):
    """staff_who_may_see asks student_condition the other way round: it must agree with
    can_see_student for each kind of staff member (staff of the student's school only)."""
    room = classroom()
    everyone = _staff_around(room)
    expected = {user.id for user in everyone
                if user.school_id == room.school.id and user.is_active_account
                and can_see_student(user, room.student.id)}
    assert {user.id for user in staff_who_may_see(room.student)} == expected
    assert len(expected) == 4  # the class's teacher, the administrator, both counsellors
    kept = staff_who_may_see(room.student, kept=room.other_teacher.id)
    assert {user.id for user in kept} == expected | {room.other_teacher.id}


def test_an_owner_who_could_not_open_it_is_refused_and_not_offered(app, login_as):
    """A teacher who does not teach the student may take part in a contact but own nothing
    of theirs; the forms offer only who may see the student; an owner chosen before the
    rule is kept (and offered) when the record is edited for something else."""
    room = classroom()
    client = login_as(room.teacher)
    student, stranger = room.student, str(room.other_teacher.id)
    for url, name in ((f"/needs/new/{student.id}", "owner_id"),
                      (f"/outcomes/students/{student.id}/interventions/new", "owner_id"),
                      (f"/students/{student.id}", "follow_up_owner_id")):
        owners = _options(client.get(url).get_data(as_text=True), name)
        assert str(room.teacher.id) in owners and str(room.admin.id) in owners, url
        assert stranger not in owners, url
    assert stranger in _options(client.get(f"/students/{student.id}").get_data(as_text=True),
                                "staff_ids")  # may still take part in a contact
    need = client.post(f"/needs/new/{student.id}", data={
        "kind": "learning_support", "title": "Reading", "status": "open", "owner_id": stranger,
        "visibility": "staff"})
    plan = client.post(f"/outcomes/students/{student.id}/interventions/new", data={
        "reason": "Absences", "goal": "Come every day", "owner_id": stranger,
        "visibility": "staff"})
    contact = client.post(f"/interactions/new/{student.id}", data={
        "channel": "phone", "direction": "outbound", "occurred_at": "2026-11-24T10:00",
        "summary": "Called", "outcome": "reached", "staff_ids": [str(room.teacher.id), stranger],
        "follow_up_due_on": "2026-12-01", "follow_up_owner_id": stranger, "visibility": "staff"})
    for response in (need, plan, contact):
        assert response.status_code == 400
        assert "Choose someone who works with this student" in response.get_data(as_text=True)
    assert db.session.scalar(select(Need)) is None
    assert db.session.scalar(select(Intervention)) is None
    assert db.session.scalar(select(Interaction)) is None
    # An owner chosen before: the need is edited for its status, the owner kept.
    old = Need(student_id=student.id, kind="health", title="Inhaler", status="open",
               owner_id=room.other_teacher.id, created_by_id=room.teacher.id)
    db.session.add(old)
    db.session.commit()
    page = client.get(f"/needs/{old.id}/edit").get_data(as_text=True)
    kept = room.other_teacher.id
    assert re.search(rf'<option selected value="{kept}"|value="{kept}" selected', page)
    saved = client.post(f"/needs/{old.id}/edit", data={
        "kind": "health", "title": "Inhaler", "status": "in_progress", "owner_id": stranger,
        "visibility": "staff", "due_on": str(date(2026, 12, 10))})
    assert saved.status_code == 302
    db.session.expire_all()
    assert (db.session.get(Need, old.id).status,
            db.session.get(Need, old.id).owner_id) == ("in_progress", room.other_teacher.id)


def test_an_owner_that_names_nobody_is_refused_and_a_plan_must_have_one(app, login_as):
    """A tampered owner id (nobody, or out of range) is refused on the field, not saved as
    "no owner" (on a plan it was a server error); a need or a follow-up may have no owner, a
    plan may not (its form no longer offers "—")."""
    room = classroom()
    client = login_as(room.teacher)
    student = room.student
    forms = {
        f"/needs/new/{student.id}": ("owner_id", {
            "kind": "learning_support", "title": "Reading", "status": "open",
            "visibility": "staff"}),
        f"/outcomes/students/{student.id}/interventions/new": ("owner_id", {
            "reason": "Absences", "goal": "Come every day", "visibility": "staff"}),
        f"/interactions/new/{student.id}": ("follow_up_owner_id", {
            "channel": "phone", "direction": "outbound", "occurred_at": "2026-11-24T10:00",
            "summary": "Called", "outcome": "reached", "follow_up_due_on": "2026-12-01",
            "visibility": "staff"}),
    }
    for url, (name, data) in forms.items():
        for nobody in ("999999", "-1", "2147483648", "abc", "1.5"):
            response = client.post(url, data={**data, name: nobody})
            assert response.status_code == 400, (url, nobody)
            # beyond an id's range the field refuses it, else the service: in the same words
            page = response.get_data(as_text=True)
            assert "That choice is not available." in page, (url, nobody)
            assert "coerce" not in page, (url, nobody)
    assert db.session.scalar(select(Need)) is None
    assert db.session.scalar(select(Intervention)) is None
    assert db.session.scalar(select(Interaction)) is None
    plan_url = f"/outcomes/students/{student.id}/interventions/new"
    for url, (name, data) in forms.items():
        response = client.post(url, data={**data, name: ""})
        if url == plan_url:  # a plan must have an owner; a need or a follow-up may have none
            assert response.status_code == 400
            assert "Choose who owns the plan." in response.get_data(as_text=True)
        else:
            assert response.status_code == 302, url
    assert db.session.scalar(select(Intervention)) is None
    assert db.session.scalar(select(Need)).owner_id is None
    # a follow-up due without an owner is the one who logged the contact's
    assert db.session.scalar(select(Interaction)).follow_up_owner_id == room.teacher.id
    assert "" not in _options(client.get(plan_url).get_data(as_text=True), "owner_id")
    room.teacher.preferred_language = "de"
    db.session.commit()
    page = login_as(room.teacher).post(f"/needs/new/{student.id}", data={
        **forms[f"/needs/new/{student.id}"][1], "owner_id": "abc"}).get_data(as_text=True)
    assert "Diese Auswahl ist nicht verfügbar." in page  # the refusal in the user's language


def test_a_request_about_a_student_goes_only_to_someone_who_may_see_them(app, login_as):
    """A family's request about their child is assigned, like an owner, only to staff who
    may open it: the form offers only them; another teacher is refused; nobody is refused
    by name."""
    room = classroom()
    feedback = submit_feedback(guardian=room.guardian, author=room.parent,
                               student_id=room.student.id, kind="question",
                               subject="Homework", body="How much?")
    db.session.commit()
    client = login_as(room.teacher)
    url = f"/needs/requests/{feedback.id}"
    offered = _options(client.get(url).get_data(as_text=True), "assigned_to_id")
    assert str(room.teacher.id) in offered and str(room.admin.id) in offered
    assert str(room.other_teacher.id) not in offered
    for chosen, message in ((room.other_teacher.id, "Choose someone who works with this"),
                            (999999, "That choice is not available.")):
        response = client.post(f"{url}/update", data={"assigned_to_id": str(chosen),
                                                      "status": "in_progress"})
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
        db.session.expire_all()
        assert db.session.get(Feedback, feedback.id).assigned_to_id is None
    assert client.post(f"{url}/update", data={"assigned_to_id": str(room.admin.id),
                                              "status": "in_progress"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Feedback, feedback.id).assigned_to_id == room.admin.id


def test_a_plan_without_an_owner_is_refused_by_the_service_too(app):
    """Not only the form: a plan opened or changed in code without an owner is refused."""
    room = classroom()
    with pytest.raises(DomainError, match="Choose who owns the plan"):
        open_intervention(student=room.student, actor=room.admin, owner=None, reason="Absences",
                          goal="Come every day", today=date(2026, 11, 24))
    plan = open_intervention(student=room.student, actor=room.admin, owner=room.admin,
                             reason="Absences", goal="Come every day", today=date(2026, 11, 24))
    with pytest.raises(DomainError, match="Choose who owns the plan"):
        update_intervention(plan=plan, student=room.student, actor=room.admin, owner=None,
                            reason="Absences", goal="Come", actions=None, review_on=None,
                            need_id=None, risk_assessment_id=None, visibility="staff",
                            today=date(2026, 11, 24))


def test_the_profile_names_each_open_records_owner_and_one_who_no_longer_works_with_them(
        app, login_as):
    """An owner who may no longer see the student (their class ended) cannot open what they
    own: the profile says so beside each open record, so that someone takes it over; a
    closed record's owner, and an owner who still works with the student, carry no note."""
    room = classroom()
    gone, warning = room.other_teacher, "no longer works with this student"
    student = room.student
    db.session.add_all([
        Need(student_id=student.id, kind="health", title="Inhaler", status="open",
             owner_id=gone.id, created_by_id=room.teacher.id),
        Need(student_id=student.id, kind="health", title="Glasses", status="resolved",
             owner_id=gone.id, created_by_id=room.teacher.id),
        Need(student_id=student.id, kind="learning_support", title="Reading", status="open",
             owner_id=room.teacher.id, created_by_id=room.teacher.id)])
    db.session.commit()
    page = login_as(room.admin).get(f"/students/{student.id}").get_data(as_text=True)
    items = {title: re.search(rf"{title}</a>.*?</li>", page, re.S).group(0)
             for title in ("Inhaler", "Glasses", "Reading")}
    assert gone.full_name in items["Inhaler"] and warning in items["Inhaler"]
    assert gone.full_name not in items["Glasses"] and warning not in items["Glasses"]
    assert room.teacher.full_name in items["Reading"] and warning not in items["Reading"]
    assert page.count(warning) == 1
