"""Inactive people and ended links leave lists, audiences and messages; history stays;
retention erases those inactive for too long; the list sorts and searches as people expect."""

from datetime import date

import pytest

from portal.auth.models import Role
from portal.core.errors import DomainError
from portal.extensions import db
from portal.messaging.models import Message, UpdateKind
from portal.messaging.queries import guardians_named
from portal.messaging.segments import resolve_recipients
from portal.messaging.services import notify_guardian
from portal.people.models import Student
from portal.privacy.services import apply_retention, deactivate, reactivate
from tests.factories import make_family, make_school, make_student, make_user
from tests.privacy.helpers import count_rows, family_with_history


def _recipient_ids(school, sender) -> list[int]:
    return [r.guardian.id for r in resolve_recipients(criteria={}, school_id=school.id,
                                                      sender=sender)]


def test_an_ended_link_or_an_inactive_guardian_leaves_audiences_and_messages(app):
    school = make_school()
    admin = make_user(Role.ADMINISTRATOR, school=school)
    child = make_student(school)
    _user, mother = make_family(school, child)
    _user, father = make_family(school, child)
    assert sorted(_recipient_ids(school, admin)) == sorted([mother.id, father.id])

    deactivate(record=father.student_links[0], actor=admin, reason="custody changed")
    deactivate(record=mother, actor=admin, reason="moved abroad", on=date(2026, 11, 1))

    assert _recipient_ids(school, admin) == []
    for guardian in (mother, father):
        assert notify_guardian(guardian=guardian, kind=UpdateKind.URGENT, subject="Hi",
                               body_text="Hello", student=child) is None
    assert notify_guardian(guardian=mother, kind=UpdateKind.URGENT, subject="Hi",
                           body_text="Hello") is None
    assert count_rows(Message) == 0
    reactivate(record=mother, actor=admin)
    assert _recipient_ids(school, admin) == [mother.id]


def test_a_student_who_left_leaves_the_list_but_keeps_their_history(app, login_as):
    school = make_school()
    _user, _guardian, student, admin = family_with_history(school)
    deactivate(record=student, actor=admin, reason="left the school")
    db.session.commit()
    client = login_as(admin)
    assert "Vexhammer" not in client.get("/students").get_data(as_text=True)
    assert "Vexhammer" in client.get(f"/students/{student.id}").get_data(as_text=True)
    with pytest.raises(DomainError):
        deactivate(record=student, actor=admin, reason="again")


def test_deactivation_needs_a_reason_and_no_future_date(app):
    school = make_school()
    student = make_student(school)
    with pytest.raises(DomainError):
        deactivate(record=student, actor=None, reason="  ")
    with pytest.raises(DomainError):
        deactivate(record=student, actor=None, reason="left", on=date(2027, 1, 1))
    assert student.is_active


def test_retention_erases_only_people_inactive_for_longer_than_the_setting(app, clock):
    school = make_school(retention_years=2)
    _user, guardian, student, admin = family_with_history(school)
    recent = make_student(school, first_name="Recent")
    deactivate(record=student, actor=admin, reason="left", on=date(2024, 11, 24))
    deactivate(record=recent, actor=admin, reason="left", on=date(2024, 11, 26))

    assert apply_retention(dry_run=True).erased == [student]
    assert student.erased_at is None
    db.session.commit()
    assert apply_retention().erased == [student]
    db.session.rollback()  # each batch of erasures is committed as it is done
    assert db.session.get(Student, student.id).first_name == "Erased student"
    assert recent.first_name == "Recent"
    assert guardian.erased_at is None  # still active
    school.retention_years = None
    clock.advance(days=3650)
    assert apply_retention(dry_run=True).erased == []


def test_student_list_finds_a_student_number_and_sorts_accents_with_their_letters(
        app, login_as):
    school = make_school()
    admin = make_user(Role.ADMINISTRATOR, school=school)
    for last, number in (("Bravo", "S-1"), ("Álvarez", "S-2"), ("Alvarez", "S-3"),
                         ("Zapata", "Z-4432")):
        make_student(school, first_name="Ana", last_name=last, external_id=number)
    db.session.commit()
    client = login_as(admin)
    page = client.get("/students").get_data(as_text=True)
    positions = [page.index(f"{last}, Ana") for last in ("Alvarez", "Álvarez", "Bravo",
                                                         "Zapata")]
    assert positions == sorted(positions)
    found = client.get("/students?q=z-4432").get_data(as_text=True)
    assert "Zapata, Ana" in found and "Bravo, Ana" not in found


def test_the_retention_command_lists_on_a_dry_run_and_erases_otherwise(app):
    school = make_school(retention_years=1)
    student = make_student(school, first_name="Leftlongago")
    deactivate(record=student, actor=None, reason="left", on=date(2025, 1, 1))
    db.session.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["privacy", "retention", "--dry-run"])
    assert f"student #{student.id}" in dry.output and "1 person would be erased" in dry.output
    db.session.expire_all()
    assert db.session.get(type(student), student.id).erased_at is None
    done = runner.invoke(args=["privacy", "retention"])
    assert "erased 1 person" in done.output
    db.session.expire_all()
    assert db.session.get(type(student), student.id).first_name == "Erased student"


def test_a_guardian_whose_link_ended_no_longer_sees_the_child_in_the_portal(app, login_as):
    school = make_school()
    child = make_student(school, first_name="Ended", last_name="Custody")
    user, guardian = make_family(school, child)
    db.session.commit()
    client = login_as(user)
    assert client.get(f"/family/children/{child.id}").status_code == 200
    deactivate(record=guardian.student_links[0], actor=None, reason="custody changed")
    db.session.commit()
    assert "Ended Custody" not in client.get("/family/").get_data(as_text=True)
    assert client.get(f"/family/children/{child.id}").status_code == 404


def test_guardians_sort_accents_with_their_letters(app):
    school = make_school()
    admin = make_user(Role.ADMINISTRATOR, school=school)
    child = make_student(school)
    for last in ("Bravo", "Álvarez", "Zapata", "Alvarez"):
        make_family(school, child, first_name="Eva", last_name=last)
    names = [g.last_name for g in guardians_named(admin, "eva")]
    assert set(names[:2]) == {"Alvarez", "Álvarez"} and names[2:] == ["Bravo", "Zapata"]
