"""Dashboard pages: who may open them, filters, drill-down and program impact."""

import html
import json
import re
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.auth.models import Role
from portal.extensions import db
from portal.outcomes.models import BehaviourIncident, DailyAttendance, Grade
from portal.risk.models import RiskAssessment
from portal.risk.services import assess_students
from tests import factories
from tests.dashboards.helpers import build_school
from tests.risk.helpers import TODAY


def _figures(page: str) -> dict:
    """Return the page's Plotly figures, by key, from their JSON blocks."""
    found = re.findall(r'<script type="application/json" id="(\w+)-data">(.*?)</script>', page,
                       re.S)
    return {key: json.loads(html.unescape(text)) for key, text in found}


def _linked_students(page: str, students) -> set:
    return {s for s in students if f'href="/students/{s.id}"' in page}


def _assess_twice(school, clock) -> list:
    """Assess a week ago and now; return the newest assessments."""
    clock.advance(days=-7)
    assess_students(school=school, today=TODAY)
    clock.advance(days=7)
    return assess_students(school=school, today=TODAY)


def test_the_overview_figures_carry_the_schools_numbers(app, login_as, clock):
    built = build_school(12)
    newest = _assess_twice(built.school, clock)
    db.session.commit()
    charts = _figures(login_as(built.admin).get("/dashboards/").get_data(True))
    assert set(charts) == {"attendance", "grades", "behaviour", "risk"}
    attendance = charts["attendance"]["data"][0]
    week = attendance["x"].index("2026-11-16")
    days = db.session.scalars(select(DailyAttendance.status).where(
        DailyAttendance.on_date.between(date(2026, 11, 16), date(2026, 11, 20)))).all()
    present = sum(status == "present" for status in days)
    assert attendance["y"][week] == round(100 * present / len(days), 1)
    grades = sum(sum(trace["y"]) for trace in charts["grades"]["data"])
    assert grades == db.session.scalar(select(func.count()).select_from(Grade))
    assert sum(charts["behaviour"]["data"][0]["y"]) == db.session.scalar(
        select(func.count()).select_from(BehaviourIncident))
    levels = {trace["name"]: trace["y"][-1] for trace in charts["risk"]["data"]}
    assert charts["risk"]["data"][0]["x"] == ["Nov 18, 2026", "Nov 25, 2026"]  # dates, no time
    stored = Counter(assessment.level for assessment in newest)
    assert levels == {level: stored[level] for level in ("high", "watch", "none")}
    assert sum(levels.values()) == 12


def test_one_recompute_is_said_in_words_not_drawn_as_one_point(app, login_as):
    built = build_school(12)
    assess_students(school=built.school, today=TODAY)
    db.session.commit()
    risk = _figures(login_as(built.admin).get("/dashboards/").get_data(True))["risk"]
    assert risk["data"] == []
    assert risk["layout"]["annotations"][0]["text"].startswith(
        "One recompute so far (Nov 25, 2026): ")


def test_each_point_links_to_exactly_the_students_behind_it(app, login_as, clock):
    built = build_school(12)
    _assess_twice(built.school, clock)
    db.session.commit()
    client = login_as(built.admin)
    charts = _figures(client.get("/dashboards/").get_data(True))
    attendance = charts["attendance"]["data"][0]
    link = attendance["customdata"][attendance["x"].index("2026-11-16")]
    listed = _linked_students(client.get(link).get_data(True), built.students)
    assert listed == {s for s in built.students if _absent_that_week(s)} and listed
    for trace in charts["risk"]["data"]:
        page = client.get(trace["customdata"][-1]).get_data(True)
        at_level = {s for s in built.students if db.session.scalar(select(
            RiskAssessment.level).where(RiskAssessment.student_id == s.id)) == trace["name"]}
        assert _linked_students(page, built.students) == at_level, trace["name"]


def test_the_program_and_intervention_pages_show_their_groups(app, login_as):
    built = build_school(12)
    db.session.commit()
    client = login_as(built.admin)
    page = client.get(f"/dashboards/programs?program_id={built.program.id}&outcome=attendance")
    text = page.get_data(True)
    assert page.status_code == 200 and "<h2>Homework club</h2>" in text
    assert "4 enrolled; " in text  # students[::3] of 12
    text = client.get("/dashboards/interventions").get_data(True)
    assert "4 students got an intervention; " in text  # the 4 plans, counted as students


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


@pytest.mark.parametrize(("query", "said"), [
    ("", "The parameter “chart” is missing."),
    ("chart=nope", "The parameter “chart” must be one of: attendance, behaviour, grades, risk."),
    ("chart=attendance", "The parameter “week” is missing."),
    ("chart=behaviour&week=2026-13-01", "The parameter “week” must be a date like 2026-09-01"),
    ("chart=risk&day=2026-11-16", "The parameter “level” is missing."),
    ("chart=risk&day=2026-11-16&level=extreme",
     "The parameter “level” must be one of: none, watch, high."),
    ("chart=grades&band=50–59", "The parameter “period” is missing."),
    ("chart=grades&period=Q1&band=5",
     "The parameter “band” must be one of: 0–49, 50–59, 60–69, 70–79, 80–89, 90–100.")])
def test_a_drill_down_with_a_bad_parameter_names_it(app, login_as, query, said):
    built = build_school(2)
    db.session.commit()
    response = login_as(built.admin).get(f"/dashboards/students?{query}")
    assert response.status_code == 400
    assert said in html.unescape(response.get_data(as_text=True))


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


def test_a_risk_drill_down_writes_each_score_in_the_readers_language(app, login_as):
    built = build_school(12)
    assess_students(school=built.school, today=TODAY)
    assessment = db.session.scalars(select(RiskAssessment).order_by(RiskAssessment.id)).first()
    assessment.score = 12.5
    built.admin.preferred_language = "de"
    db.session.commit()
    page = login_as(built.admin).get(
        f"/dashboards/students?chart=risk&day={assessment.computed_at.date().isoformat()}"
        f"&level={assessment.level}").get_data(True)
    assert f'href="/students/{assessment.student_id}"' in page
    assert "12,5" in page and "12.5" not in page
