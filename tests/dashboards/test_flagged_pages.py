"""The overview's flagged students come a page at a time, worst first (a district has thousands)."""

from portal.auth.models import Role
from portal.extensions import db
from portal.risk.models import RiskAssessment, RiskRuleSet
from portal.risk.queries import FLAGGED_PER_PAGE
from tests import factories


def _flag_students(count: int):
    school = factories.make_school()
    rules = RiskRuleSet(school_id=school.id, version=1, settings={})
    db.session.add(rules)
    db.session.flush()
    students = []
    for number in range(count):
        student = factories.make_student(school, first_name=f"Flagged{number:02d}")
        db.session.add(RiskAssessment(student_id=student.id, rule_set_id=rules.id,
                                      score=float(number), level="high", reasons=[]))
        students.append(student)
    return school, students


def test_the_overview_lists_flagged_students_a_page_at_a_time_worst_first(client, login_as):
    school, students = _flag_students(FLAGGED_PER_PAGE + 5)
    login_as(factories.make_user(Role.ADMINISTRATOR, school))
    first = client.get("/dashboards/").get_data(as_text=True)
    second = client.get("/dashboards/?page=2").get_data(as_text=True)
    worst_first = students[::-1]
    assert all(f">{s.display_name}<" in first for s in worst_first[:FLAGGED_PER_PAGE])
    assert not any(f">{s.display_name}<" in first for s in worst_first[FLAGGED_PER_PAGE:])
    places = [first.index(f">{s.display_name}<") for s in worst_first[:FLAGGED_PER_PAGE]]
    assert places == sorted(places)  # in the ranking's order within the page too
    assert all(f">{s.display_name}<" in second for s in worst_first[FLAGGED_PER_PAGE:])
    assert "Page 1 of 2" in first and 'href="/dashboards/?page=2"' in first
    assert "Page 2 of 2" in second and "?page=3" not in second


def test_a_page_past_the_last_is_not_found_and_a_page_that_is_no_page_is_refused(client,
                                                                                 login_as):
    school, _students = _flag_students(FLAGGED_PER_PAGE + 5)
    login_as(factories.make_user(Role.ADMINISTRATOR, school))
    past_the_end = client.get("/dashboards/?page=999999")
    assert past_the_end.status_code == 404
    assert "its last page is 2" in past_the_end.get_data(as_text=True)
    assert client.get("/dashboards/?page=3").status_code == 404
    for no_page in ("0", "-1", "NaN", "1.5"):
        refused = client.get(f"/dashboards/?page={no_page}")
        assert refused.status_code == 400 and "“page”" in refused.get_data(as_text=True)


def test_an_empty_list_still_has_its_first_page(client, login_as):
    school, _students = _flag_students(0)
    login_as(factories.make_user(Role.ADMINISTRATOR, school))
    page = client.get("/dashboards/?page=1")
    assert page.status_code == 200 and "No student is flagged." in page.get_data(as_text=True)
    assert client.get("/dashboards/?page=2").status_code == 404


def test_one_flagged_student_past_a_full_page_makes_a_second_page(client, login_as):
    """The pager counts every flagged student (the count the follow-up figures make)."""
    school, students = _flag_students(FLAGGED_PER_PAGE + 1)
    login_as(factories.make_user(Role.ADMINISTRATOR, school))
    first = client.get("/dashboards/").get_data(as_text=True)
    second = client.get("/dashboards/?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and f">{students[0].display_name}<" in second


def test_a_grade_filter_keeps_the_flagged_list_and_its_counts_to_that_grade(client, login_as):
    school, students = _flag_students(5)
    for student in students[:2]:
        student.grade_level = 9
    for student in students[2:]:
        student.grade_level = 10
    db.session.commit()
    login_as(factories.make_user(Role.ADMINISTRATOR, school))
    page = client.get("/dashboards/?grade_level=9").get_data(as_text=True)
    assert all(f">{s.display_name}<" in page for s in students[:2])
    assert not any(f">{s.display_name}<" in page for s in students[2:])
    assert "2 students are on the watch list" in page
    everyone = client.get("/dashboards/").get_data(as_text=True)
    assert "5 students are on the watch list" in everyone


def test_pre_kindergarten_is_a_grade_the_filter_takes_and_nothing_below_it(client, login_as):
    """A roster's PK students are grade -1: the dashboard refused to filter by it (400)."""
    school, students = _flag_students(3)
    students[0].grade_level = -1
    db.session.commit()
    login_as(factories.make_user(Role.ADMINISTRATOR, school))
    page = client.get("/dashboards/?grade_level=-1")
    assert page.status_code == 200
    assert "1 student is on the watch list" in page.get_data(as_text=True)
    for level in ("-2", "21", "2147483648"):
        assert client.get(f"/dashboards/?grade_level={level}").status_code == 400, level
