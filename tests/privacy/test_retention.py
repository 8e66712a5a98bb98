"""A retention run erases people in batches, masking a batch's mentions in one pass, and goes
on past a person it cannot erase."""

from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.interactions.models import Interaction
from portal.needs.models import Feedback
from portal.people.models import Guardian, Student
from portal.privacy import erasure, services
from portal.privacy.erasure import MASK
from portal.privacy.services import apply_retention, deactivate
from tests.factories import make_interaction, make_school
from tests.privacy.helpers import family_with_history

LEAVERS = (("Zebulon", "Quixwright", "Ottoline", "Vexhammer"),
           ("Araminta", "Pollux", "Cassius", "Thornquist"),
           ("Bartholomew", "Ifrane", "Philippa", "Gandersby"))


def _school_with_leavers():
    """Three families who left in 2020 (past a two-year retention) and one who stayed; the
    stayer's record mentions every leaver's guardian and child. Return (families, note)."""
    school = make_school(retention_years=2)
    families = [family_with_history(school, first=first, last=last,
                                    email=f"{first.lower()}@example.org",
                                    child_first=child_first, child_last=child_last)
                for first, last, child_first, child_last in LEAVERS]
    *_, stayer, staff = family_with_history(school, first="Rosalind", last="Stayhere",
                                            email="rosalind@example.org",
                                            child_first="Peregrine", child_last="Stayhere")
    note = make_interaction(stayer, staff, summary="Met " + ", ".join(
        f"{first} {last} and {child_first} {child_last}"
        for first, last, child_first, child_last in LEAVERS) + " at the fair")
    for _user, guardian, student, _staff in families:
        for person in (guardian, student):
            deactivate(record=person, actor=staff, reason="left", on=date(2020, 7, 1))
    db.session.commit()
    return families, note


def _summary(note) -> str:
    return db.session.scalar(select(Interaction.summary).where(Interaction.id == note.id))


def test_a_run_erases_everyone_past_retention_in_batches_and_masks_all_their_mentions(
        app, monkeypatch):
    monkeypatch.setattr(services, "RETENTION_BATCH", 4)  # six people: two batches
    families, note = _school_with_leavers()

    run = apply_retention()

    assert run.failed == [] and len(run.erased) == 6
    db.session.expire_all()
    assert _summary(note) == "Met " + ", ".join([f"{MASK} and {MASK}"] * 3) + " at the fair"
    for _user, guardian, student, _staff in families:
        assert db.session.get(Guardian, guardian.id).erased_at is not None
        assert db.session.get(Student, student.id).first_name == "Erased student"
    stayer = db.session.scalar(select(Student).where(Student.first_name == "Peregrine"))
    assert stayer.last_name == "Stayhere" and stayer.erased_at is None


def test_one_erasure_that_fails_leaves_that_person_as_they_were_and_the_run_goes_on(
        app, monkeypatch):
    families, note = _school_with_leavers()
    failing_user = families[1][0]
    close_account = erasure._close_account

    def refuses_one(user):
        if user is not None and user.id == failing_user.id:
            raise RuntimeError("the mail server's address book is locked")
        return close_account(user)
    monkeypatch.setattr(erasure, "_close_account", refuses_one)
    _user, guardian, child, _staff = families[1]
    child.is_active, child.inactive_since = True, None  # the child stays at the school
    db.session.commit()

    run = apply_retention()

    assert [(person.id, problem) for person, problem in run.failed] == [
        (guardian.id, "the mail server's address book is locked")]
    assert len(run.erased) == 4
    db.session.expire_all()
    kept = db.session.get(Guardian, guardian.id)
    assert (kept.first_name, kept.erased_at) == ("Araminta", None)
    # What the erasure blanked of theirs before it failed is back, and their mentions stay.
    wrote = db.session.scalar(select(Feedback.body).where(Feedback.guardian_id == guardian.id))
    assert wrote == "I am Araminta Pollux, write to araminta@example.org"
    assert "Araminta Pollux" in _summary(note) and "Zebulon Quixwright" not in _summary(note)


def test_the_command_says_who_could_not_be_erased_and_fails(app, monkeypatch):
    families, _note = _school_with_leavers()
    student = families[0][2]
    erase_student = services.erase_student

    def refuses_one(*, student: Student, **kwargs):
        if student.first_name == "Ottoline":
            raise RuntimeError("disk full")
        return erase_student(student=student, **kwargs)
    monkeypatch.setattr(services, "erase_student", refuses_one)

    done = app.test_cli_runner().invoke(args=["privacy", "retention"])

    assert done.exit_code == 1
    assert f"student #{student.id} not erased: disk full" in done.output
    assert "erased 5 people" in done.output
