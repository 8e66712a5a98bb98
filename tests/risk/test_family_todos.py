"""The family's contact with the school: a to-do beside the flag and in the reach report,
never part of the student's level."""

from datetime import datetime

from portal.auth.models import Role
from portal.extensions import db
from portal.risk.services import assess_students
from tests import factories
from tests.risk.helpers import TODAY, record_attendance, school_days


def _two_alike_students(school):
    """Return two newly flagged students, alike but one family reached lately, one never."""
    reached, unreached = (factories.make_student(school, first_name=name)
                          for name in ("Reached", "Unreached"))
    counsellor = factories.make_user(Role.COUNSELLOR, school)
    factories.assign_counsellor(counsellor, school, 9)
    factories.make_interaction(reached, counsellor, outcome="reached",
                               occurred_at=datetime(2026, 11, 18, 14))
    assess_students(school=school, today=TODAY)  # before the absences: not flagged
    days = school_days(TODAY, 40)
    for student in (reached, unreached):
        record_attendance(student, days, absent_on=set(days[-6:]))
        factories.make_family(school, student)
    return reached, unreached, counsellor


def test_contact_recency_never_changes_a_level(app):
    school = factories.make_school()
    factories.make_term(school)
    reached, unreached, _ = _two_alike_students(school)
    scored = {a.student_id: a for a in assess_students(school=school, today=TODAY)}
    assert scored[reached.id].level == scored[unreached.id].level == "watch"
    assert scored[reached.id].score == scored[unreached.id].score
    assert scored[reached.id].reasons == scored[unreached.id].reasons


def test_the_flag_and_the_reach_report_show_the_contact_to_do(app, login_as):
    school = factories.make_school()
    factories.make_term(school)
    reached, unreached, counsellor = _two_alike_students(school)
    assess_students(school=school, today=TODAY)
    db.session.commit()
    client = login_as(counsellor)
    flags = client.get("/risk/flags").get_data(as_text=True)
    assert "does not change the risk level" in flags
    assert flags.count("no successful family contact for") == 1
    admin = factories.make_user(Role.ADMINISTRATOR, school)
    db.session.commit()
    reach = login_as(admin).get("/messaging/reach").get_data(as_text=True)
    assert f"No successful contact about {unreached.display_name} for" in reach
    assert f"No successful contact about {reached.display_name}" not in reach


def test_each_school_counts_from_its_own_term_however_the_schools_are_asked(app):
    """Schools whose terms began the same day are asked together; each school's families
    are still counted from its own term's first day (a to-do from 60 days)."""
    from datetime import date

    from portal.risk.queries import family_todos_by_school

    early, also_early, late = (factories.make_school(name) for name in ("Early", "Also", "Late"))
    for school in (early, also_early):
        factories.make_term(school, starts_on=date(2026, 9, 1))  # 85 days before 25 November
    factories.make_term(late, starts_on=date(2026, 10, 1))  # 55 days: no to-do yet
    pupils = {school: factories.make_student(school) for school in (early, also_early, late)}
    db.session.flush()
    todos = family_todos_by_school({school.id: [pupil.id] for school, pupil in pupils.items()})
    days = {school.name: [todo["value"] for todo in todos[pupil.id]]
            for school, pupil in pupils.items()}
    assert days == {"Early": [85], "Also": [85], "Late": []}
