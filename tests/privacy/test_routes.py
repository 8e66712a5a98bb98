"""The administrators' privacy pages: who may open them, erase, deactivate, export, merge;
staff see a family's consents on the student profile."""

import io
import json
import re
import zipfile
from datetime import date

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.models import Role
from portal.extensions import db
from portal.outcomes.models import DailyAttendance
from portal.people.models import Guardian, Student
from portal.privacy.services import erase_person
from tests.factories import (
    make_district,
    make_district_admin,
    make_school,
    make_section,
    make_student,
    make_term,
    make_user,
)
from tests.privacy.helpers import add_attendance, family_with_history


def _family(**fields):
    school = make_school()
    user, guardian, student, admin = family_with_history(school, **fields)
    db.session.commit()
    return school, user, guardian, student, admin


def test_only_an_administrator_of_the_school_opens_a_privacy_page(app, login_as, client):
    school, _user, guardian, _student, admin = _family()
    url = f"/privacy/guardians/{guardian.id}"
    page = login_as(admin).get(url)
    assert page.status_code == 200
    assert re.search(r"Photos\s*</td><td>Given</td>\s*<td>[^<]+</td><td>Guardian \d", page.get_data(
        as_text=True)), "the consent, its answer, when, and who recorded it"
    assert login_as(make_user(Role.TEACHER, school)).get(url).status_code == 403
    other_admin = make_user(Role.ADMINISTRATOR, make_school())
    db.session.commit()
    assert login_as(other_admin).get(url).status_code == 404


def test_erasure_needs_the_typed_confirmation(app, login_as):
    *_, guardian, _student, admin = _family()
    client = login_as(admin)
    refused = client.post(f"/privacy/guardians/{guardian.id}/erase",
                          data={"reason": "asked", "confirm": "yes"})
    assert refused.status_code == 400 and "Type ERASE" in refused.get_data(as_text=True)
    assert db.session.get(Guardian, guardian.id).first_name == "Zebulon"
    done = client.post(f"/privacy/guardians/{guardian.id}/erase",
                       data={"reason": "asked by email", "confirm": "ERASE"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Guardian, guardian.id).first_name == "Erased guardian"


def test_deactivating_a_student_needs_a_reason(app, login_as):
    *_, student, admin = _family()
    client = login_as(admin)
    url = f"/privacy/students/{student.id}/deactivate"
    assert client.post(url, data={"reason": ""}).status_code == 400
    assert client.post(url, data={"reason": "left the school",
                                  "inactive_since": "2026-11-20"}).status_code == 302
    db.session.expire_all()
    student = db.session.get(Student, student.id)
    assert not student.is_active and student.inactive_since == date(2026, 11, 20)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "deactivate"))
    assert (event.student_id, event.school_id, event.actor_id) == (
        student.id, student.school_id, admin.id)
    assert "left the school" in client.get(f"/privacy/students/{student.id}").get_data(
        as_text=True)


def test_subject_access_export_holds_the_guardians_records_and_no_secrets(app, login_as):
    *_, guardian, _student, admin = _family(email="=cmd@example.org")
    response = login_as(admin).get(f"/privacy/guardians/{guardian.id}/export.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    tables = json.loads(archive.read("data.json"))["tables"]
    assert {"guardians", "student_guardians", "messages", "feedback", "feedback_replies",
            "consents", "interaction_participants", "users"} <= set(tables)
    assert tables["guardians"][0]["email"] == "=cmd@example.org"
    assert "'=cmd@example.org" in archive.read("guardians.csv").decode()
    assert "password_hash" not in archive.read("data.json").decode()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export",
                                                      AuditEvent.object_id == guardian.id))


def test_namesakes_are_told_apart_on_the_duplicates_page_and_merged(app, login_as):
    school = make_school()
    admin = make_user(Role.ADMINISTRATOR, school)
    first = make_student(school, first_name="Diego", last_name="Castillo", grade_level=12,
                         external_id="S-101", date_of_birth=date(2008, 5, 1))
    second = make_student(school, first_name="Diégo", last_name="castillo", grade_level=12,
                          external_id="S-202", date_of_birth=date(2008, 5, 1))
    db.session.commit()
    client = login_as(admin)
    page = client.get("/privacy/duplicates").get_data(as_text=True)
    assert "S-101" in page and "S-202" in page
    response = client.post("/privacy/students/merge",
                           data={"survivor_id": first.id, "loser_id": second.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(Student, second.id).is_active
    assert "S-202" not in client.get("/privacy/duplicates").get_data(as_text=True)


def test_a_district_administrator_sees_the_duplicates_of_the_district_s_schools(app, login_as):
    school, elsewhere = make_school(), make_school()
    district = make_district("Valley", school)
    for external_id in ("S-101", "S-202"):
        make_student(school, first_name="Diego", last_name="Castillo", external_id=external_id,
                     date_of_birth=date(2008, 5, 1))
    for external_id in ("X-1", "X-2"):  # another district's school
        make_student(elsewhere, first_name="Ana", last_name="Ruiz", external_id=external_id,
                     date_of_birth=date(2009, 1, 1))
    admin = make_district_admin(district)
    db.session.commit()
    page = login_as(admin).get("/privacy/duplicates").get_data(as_text=True)
    assert "S-101" in page and "S-202" in page and "X-1" not in page


def test_staff_who_see_the_student_see_the_familys_consents(app, login_as):
    school, _user, _guardian, student, _admin = _family()
    teacher = make_user(Role.TEACHER, school)
    make_section(school, teacher, student, term=make_term(school))
    db.session.commit()
    page = login_as(teacher).get(f"/students/{student.id}").get_data(as_text=True)
    assert re.search(r"Photos of my child[^<]*:\s+given", page)
    assert "/privacy/guardians/" not in page  # the links are for administrators


def test_an_erased_record_is_never_merged_with_a_named_one(app, login_as):
    """Merging would move the erased student's history onto a named record (or a named one's
    into the erased): refused whichever is kept, and nothing moves."""
    school = make_school()
    admin = make_user(Role.ADMINISTRATOR, school)
    named = make_student(school, first_name="Diego", last_name="Castillo")
    erased = make_student(school, first_name="Diego", last_name="Castillo")
    add_attendance(erased, days=3)
    erase_person(person=erased, actor=admin, reason="asked by the family")
    db.session.commit()
    client = login_as(admin)
    for survivor, loser in ((named, erased), (erased, named)):
        response = client.post("/privacy/students/merge",
                               data={"survivor_id": survivor.id, "loser_id": loser.id})
        assert response.status_code in (400, 409, 422)
        assert "An erased record cannot be merged." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Student, named.id).is_active
    assert db.session.scalar(select(func.count()).where(
        DailyAttendance.student_id == erased.id)) == 3
