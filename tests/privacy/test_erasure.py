"""Erasure anonymises a person everywhere while the school's statistics stay the same."""

import re

from sqlalchemy import func, or_, select

from portal.audit.models import AuditEvent
from portal.auth.models import Role, User
from portal.dashboards.queries import attendance_by_week
from portal.extensions import db
from portal.messaging.models import Delivery
from portal.messaging.outbox import queue_email
from portal.messaging.services import notify_guardian
from portal.messaging.worker import drain
from portal.outcomes.models import DailyAttendance, Grade
from portal.people.models import Enrollment, Guardian, Student, StudentGuardian
from portal.privacy.erasure import MASK, _searched_columns, scrub_mentions
from portal.privacy.services import erase_person
from tests.factories import make_interaction, make_school, make_student, make_user
from tests.imports.oneroster_set import enrollment, realistic, write_set
from tests.messaging.helpers import school_with_families
from tests.privacy.helpers import family_with_history

SECRETS = ("Zebulon", "Quixwright", "zebulon.quixwright@example.org", "612 345 678",
           "Ottoline", "Vexhammer")


def _dump() -> str:
    """Return every row of every table as one lower-cased text."""
    rows = []
    for table in db.metadata.sorted_tables:
        rows += [repr(tuple(row)) for row in db.session.execute(select(table))]
    return "\n".join(rows).lower()


def _dashboard_counts(school) -> tuple:
    per_level = db.session.execute(select(Student.grade_level, func.count()).where(
        Student.school_id == school.id).group_by(Student.grade_level)).all()
    return attendance_by_week(select(Student.id)), sorted(tuple(row) for row in per_level)


def test_erasure_leaves_no_trace_of_the_names_or_email_and_keeps_the_counts(app):
    school = make_school()
    user, guardian, student, staff = family_with_history(school)
    db.session.commit()
    before = _dashboard_counts(school)
    assert all(secret.lower() in _dump() for secret in SECRETS)

    erase_person(person=guardian, actor=staff, reason="asked by the family")
    erase_person(person=student, actor=staff, reason="asked by the family")
    db.session.commit()

    dump = _dump()
    assert [secret for secret in SECRETS if secret.lower() in dump] == []
    assert _dashboard_counts(school) == before
    assert guardian.display_name == f"Erased guardian #{guardian.id}"
    assert student.display_name == f"Erased student #{student.id}"


def test_erasure_searches_what_people_write_and_not_the_codes_the_portal_writes(app):
    """A daily row's reason is searched and scrubbed; its status, a code on millions of
    rows (models' CODE), is not searched at all."""
    assert [column.name for column in _searched_columns(DailyAttendance.__table__)] == [
        "reason"]
    assert [column.name for column in _searched_columns(Grade.__table__)] == [
        "assessment_name"]
    school = make_school()
    _user, guardian, student, staff = family_with_history(school)
    day = db.session.scalar(select(DailyAttendance).where(
        DailyAttendance.student_id == student.id).order_by(DailyAttendance.id).limit(1))
    day.reason = "Sick: zebulon QUIXWRIGHT phoned"
    status = day.status
    erase_person(person=guardian, actor=staff, reason="asked")
    db.session.commit()
    assert (day.reason, day.status) == (f"Sick: {MASK} phoned", status)


def test_an_erased_guardian_can_no_longer_sign_in(app):
    school = make_school()
    user, guardian, student, staff = family_with_history(school)
    erase_person(person=guardian, actor=staff, reason="asked")
    account = db.session.get(User, user.id)
    assert account.password_hash is None and not account.is_active_account
    assert not guardian.is_active and guardian.erased_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "erase"))
    assert (event.object_type, event.object_id, event.actor_id) == (
        "guardian", guardian.id, staff.id)


def test_other_families_keep_their_names(app):
    school = make_school()
    *_, staff = family_with_history(school)
    _user, other, _child, _staff = family_with_history(
        school, first="Araminta", last="Pollux", email="araminta@example.org",
        child_first="Cassius", child_last="Pollux")
    erase_person(person=db.session.scalar(select(Student).where(
        Student.first_name == "Ottoline")), actor=staff, reason="asked")
    db.session.commit()
    dump = _dump()
    assert "araminta pollux" in dump and "cassius pollux" in dump


def test_what_still_waits_for_an_erased_guardian_is_cancelled_not_sent(app, smtp_server):
    """A message or account email queued before the erasure would go to "[erased]" (or to
    the old address, still in the worker's hands): it is cancelled; other families' mail
    goes as before."""
    world = school_with_families()
    for guardian in (world.mum, world.gran):
        notify_guardian(guardian=guardian, kind="general", subject="Trip", body_text="Friday.")
    queue_email(to_address="mum@example.org", subject="Set your password", kind="account",
                body_text="Follow the link.", user_id=world.mum.user_id)
    db.session.commit()
    erase_person(person=world.mum, actor=world.admin, reason="asked by the family")
    db.session.commit()
    assert drain().sent == 1
    assert [message["X-Envelope-To"] for message in smtp_server.messages] == ["gran@example.org"]
    left = dict(db.session.execute(select(Delivery.to_address, Delivery.status)
                                   .where(Delivery.channel == "email")).all())
    assert left == {"[erased]": "cancelled", "gran@example.org": "sent"}
    assert db.session.scalar(select(func.count()).where(
        Delivery.status == "cancelled", Delivery.user_id == world.mum.user_id)) == 1


def test_mentions_are_masked_whole_in_any_case_and_only_in_a_records_words(app):
    """The longer of two names found at one place is masked whole; an address is matched
    letter for letter (its dot is no wildcard); a name whose "İ" lower-cases to two letters
    is masked as written; a student number only as a whole number; JSON is masked in its
    strings (escaped letters too), never in its figures, so a student number among them
    stays a number, and two keys masked alike both keep their values."""
    school = make_school()
    *_, student, staff = family_with_history(school)
    note = make_interaction(student, staff, summary=(
        "ANA LIMA phoned; Ana Li too. Wrote to a.b+c@x.org, not to aXb+c@x.org. "
        "İpek Yılmaz came. Student 512 in room 2512, not 5120; #512."))
    event = AuditEvent(action="update", object_type="student", changes={
        "note": ["Called Jiří Dvořák", "María Pérez came"], "number": 123456,
        "Ana Lima": True, "Ana Li": False})
    accented = AuditEvent(action="update", object_type="student",
                          changes={"note": "Jiří Dvořák phoned"})
    db.session.add_all([event, accented])
    db.session.commit()

    scrub_mentions({"Ana Li", "ana lima", "A.B+C@x.org", "jiří dvořák", "María Pérez",
                    "123456", "İpek Yılmaz", "512"})
    db.session.commit()
    db.session.expire_all()

    assert note.summary == (f"{MASK} phoned; {MASK} too. Wrote to {MASK}, not to "
                            f"aXb+c@x.org. {MASK} came. Student {MASK} in room 2512, not "
                            f"5120; #{MASK}.")
    assert event.changes == {"note": [f"Called {MASK}", f"{MASK} came"], "number": 123456,
                             MASK: True, f"{MASK} (2)": False}  # two keys masked alike
    assert accented.changes == {"note": f"{MASK} phoned"}


def test_mentions_are_masked_as_whole_words_not_inside_other_peoples(app):
    """Erasing Al Li must not garble Hal Lister's or Al Lister's record, nor Al Li-Smith's
    (another person), nor another address that contains this one; "Al Li's", an address in
    brackets and a phone number that starts with "+" right after a word still are masked."""
    school = make_school()
    *_, student, staff = family_with_history(school)
    note = make_interaction(student, staff, summary=(
        "Hal Lister, Al Lister and Al Li-Smith met Al Li. Al Li's mother wrote from "
        "<a.b@x.org>, not from a.b@x.org.uk, za.b@x.org or z.a.b@x.org; AL LI. "
        "Call tel+44 20 7946 0958."))
    db.session.commit()

    scrub_mentions({"Al Li", "a.b@x.org", "+44 20 7946 0958"})
    db.session.commit()
    db.session.expire_all()

    assert note.summary == (f"Hal Lister, Al Lister and Al Li-Smith met {MASK}. {MASK}'s "
                            f"mother wrote from <{MASK}>, not from a.b@x.org.uk, za.b@x.org "
                            f"or z.a.b@x.org; {MASK}. Call tel{MASK}.")


def test_another_person_of_the_same_name_keeps_their_name_and_is_still_found(
        app, login_as):
    """Names worked out from a row's own (for sorting and searching) are that row's person's:
    erasing a namesake leaves them, and the other student is still found and sorted."""
    school = make_school()
    *_, erased, staff = family_with_history(school)
    namesake = make_student(school, first_name="Ottoline", last_name="Vexhammer")
    sort_name, search_name = namesake.sort_name, namesake.search_name
    # another family's mother of the same name, with an account of her own
    mother = make_user(Role.GUARDIAN, school, full_name="Ottoline Vexhammer")
    db.session.commit()

    erase_person(person=erased, actor=staff, reason="asked by the family")
    db.session.commit()
    db.session.expire_all()

    assert (namesake.sort_name, namesake.search_name) == (sort_name, search_name)
    assert db.session.get(User, mother.id).full_name == "Ottoline Vexhammer"
    found = login_as(staff).get("/students?q=vexhammer").get_data(as_text=True)
    assert "Vexhammer, Ottoline" in found and f"/students/{namesake.id}" in found


def test_an_erased_family_still_in_the_roster_stays_erased(app, tmp_path):
    """The school's nightly roster still lists a family erased at their request: the import
    leaves their records as the erasure left them (no names, birth date, student number,
    email or links written again, no one re-activated, no new record made for them), says
    so, and still updates everyone else. Their sourcedId, the student number itself here,
    is kept for that, and a sign-in's password hash is not searched for the number."""
    sets = realistic()
    sets["users"][2]["sourcedId"] = "1001"  # the SIS uses Ana's student number as her id
    for row in sets["users"] + sets["enrollments"] + sets["demographics"]:
        for column in ("agentSourcedIds", "userSourcedId", "sourcedId"):
            if row.get(column):
                row[column] = ",".join("1001" if part == "st1" else part
                                       for part in row[column].split(","))
    path = write_set(tmp_path / "set", sets)
    assert app.test_cli_runner().invoke(args=["import", "oneroster", str(path)]).exit_code == 0
    ana = db.session.scalar(select(Student).where(Student.sourced_id == "1001"))
    petra = db.session.scalar(select(Guardian).where(Guardian.sourced_id == "g1"))
    teacher = db.session.scalar(select(User).where(User.sourced_id == "t1"))
    teacher.password_hash = "pbkdf2:sha256:600000$x1001y$ab1001cd"
    erase_person(person=ana, actor=teacher, reason="asked by the family")
    erase_person(person=petra, actor=teacher, reason="asked by the family")
    db.session.commit()
    before = (db.session.scalar(select(func.count()).select_from(Student)),
              db.session.scalar(select(func.count()).select_from(Guardian)))
    theirs = or_(StudentGuardian.student_id == ana.id, StudentGuardian.guardian_id == petra.id)
    linked = set(db.session.execute(select(StudentGuardian.id, StudentGuardian.is_active)
                                    .where(theirs)).all())
    sets["users"][3]["givenName"] = "Bjorn"  # someone else's change still comes through

    again = app.test_cli_runner().invoke(args=["import", "oneroster",
                                               str(write_set(tmp_path / "again", sets))])

    assert again.exit_code == 0, again.output
    assert "2 people the roster lists were erased at the school's request (1001, g1)" in \
        again.output
    db.session.expire_all()
    assert (ana.first_name, ana.last_name, ana.external_id, ana.date_of_birth, ana.is_active,
            ana.sourced_id) == ("Erased student", f"#{ana.id}", None, None, False, "1001")
    assert (petra.first_name, petra.email, petra.is_active) == ("Erased guardian", None, False)
    # Their links are as the erasure left them: none made, ended or made active again
    # (Petra's to her living children Björn and Li included).
    now = set(db.session.execute(select(StudentGuardian.id, StudentGuardian.is_active)
                                 .where(theirs)).all())
    assert now == linked and any(active for _, active in linked)
    assert not re.search(r"guardian links: .*[1-9]\d* deactivated", again.output)
    assert (db.session.scalar(select(func.count()).select_from(Student)),
            db.session.scalar(select(func.count()).select_from(Guardian))) == before
    assert db.session.scalar(select(Student.first_name).where(
        Student.sourced_id == "st2")) == "Bjorn"
    assert teacher.password_hash == "pbkdf2:sha256:600000$x1001y$ab1001cd"
    # A delta naming only her new class enrols no one and fails nothing.
    delta = {"enrollments": [enrollment("e9", "k-math-s", "s-south", "1001", "student")]}
    seats = db.session.scalar(select(func.count()).select_from(Enrollment))
    added = app.test_cli_runner().invoke(args=["import", "oneroster", str(write_set(
        tmp_path / "delta", delta, modes={"enrollments": "delta"}))])
    assert added.exit_code == 0, added.output
    assert "1 people the roster lists were erased" in added.output
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == seats
