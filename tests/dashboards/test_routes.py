"""Dashboard pages: who may open them, filters, drill-down and program impact."""

from datetime import date

from sqlalchemy import func, select

from portal.auth.models import Role
from portal.extensions import db
from portal.outcomes.models import DailyAttendance
from portal.risk.services import assess_students
from tests import factories
from tests.dashboards.helpers import build_school
from tests.risk.helpers import TODAY


def test_administrator_sees_every_dashboard_page(app, login_as):
    built = build_school(12)
    db.session.commit()
    client = login_as(built.admin)
    for path in ("/dashboards/", "/dashboards/programs", "/dashboards/interventions",
                 f"/dashboards/programs?program_id={built.program.id}&outcome=grades"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"/dashboards/plotly.min.js" in response.data or b"Program" in response.data


def test_teachers_and_guardians_are_kept_out(app, login_as):
    built = build_school(4)
    user, _ = factories.make_family(built.school, built.students[0])
    db.session.commit()
    assert login_as(built.teacher).get("/dashboards/").status_code == 403
    assert login_as(user).get("/dashboards/").status_code == 403


def test_drill_down_lists_only_the_students_behind_the_point_the_user_may_see(app, login_as):
    built = build_school(12)
    other = build_school(12, seed=8)  # another school, same weeks
    db.session.commit()
    client = login_as(built.counsellor)  # grade 9 only
    page = client.get("/dashboards/students?chart=attendance&week=2026-11-16").get_data(True)
    listed = {s for s in built.students + other.students if f'href="/students/{s.id}"' in page}
    absent = {s for s in built.students if s.grade_level == 9 and _absent_that_week(s)}
    assert listed == absent and listed


def _absent_that_week(student) -> bool:
    return db.session.scalar(select(func.count()).where(
        DailyAttendance.student_id == student.id, DailyAttendance.status == "absent_unexcused",
        DailyAttendance.on_date.between(date(2026, 11, 16), date(2026, 11, 20)))) > 0


def test_a_section_of_another_school_is_a_404(app, login_as):
    built = build_school(4)
    other = build_school(4, seed=9)
    db.session.commit()
    client = login_as(built.admin)
    assert client.get(f"/dashboards/?section_id={other.sections[0].id}").status_code == 404
    assert client.get(f"/dashboards/?section_id={built.sections[0].id}").status_code == 200
    assert client.get(f"/dashboards/programs?program_id={other.program.id}").status_code == 404


def test_small_programs_say_plainly_that_they_are_too_small(app, login_as):
    built = build_school(8)
    db.session.commit()
    page = login_as(built.admin).get(f"/dashboards/programs?program_id={built.program.id}")
    assert b"Too few students to estimate" in page.data and b"95 %" not in page.data


def test_flagged_students_table_shows_reasons(app, login_as):
    built = build_school(12)
    assess_students(school=built.school, today=TODAY)
    db.session.commit()
    page = login_as(built.admin).get("/dashboards/").get_data(True)
    assert "Flagged students" in page and "below 90%" in page


def test_nav_shows_dashboards_to_counsellors(app, login_as):
    built = build_school(2)
    counsellor = factories.make_user(Role.COUNSELLOR, built.school)
    db.session.commit()
    home = login_as(counsellor).get("/staff").get_data(True)
    assert "/dashboards/" in home and "/risk/flags" in home


def test_a_program_without_comparable_students_says_who_was_left_out(app, login_as):
    built = build_school(36)  # 12 participants, all in the same two sections
    db.session.commit()
    page = login_as(built.admin).get(
        f"/dashboards/programs?program_id={built.program.id}").get_data(True)
    assert "12 enrolled; 7 analysed; 5 had no comparable student with enough data" in page
    assert "Too few students to estimate" in page and "95 %" not in page
