"""A district's administrator: one student list across the district's schools, a school filter
that never reaches beyond the district, and school staff who see what they saw before."""

from datetime import date

import pytest

from portal.extensions import db
from portal.outcomes.models import Program, ProgramEnrollment
from tests import factories as f
from tests.people.helpers import class_options, district

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def valley():
    """Return the district of two schools and a school of another district."""
    return district()


def _names(response) -> set[str]:
    page = response.get_data(as_text=True)
    return {name for name in ("North0", "North1", "South0", "South1", "Elsewhere0", "Elsewhere1")
            if name in page}


def test_district_administrator_lists_and_filters_every_school_of_the_district(valley,
                                                                              login_as):
    client = login_as(valley.admin)
    response = client.get("/students")
    assert response.status_code == 200
    assert _names(response) == {"North0", "North1", "South0", "South1"}
    assert 'name="school_id"' in response.get_data(as_text=True)
    south = valley.south.id
    assert _names(client.get(f"/students?school_id={south}")) == {"South0", "South1"}
    assert _names(client.get(f"/students?school_id={south}&grade_level=10")) == {"South1"}
    csv_text = client.get(f"/students.csv?school_id={south}").get_data(as_text=True)
    assert "South0" in csv_text and "North0" not in csv_text
    for school in ("north", "south"):
        assert client.get(f"/students/{valley.students[school][0].id}").status_code == 200
    assert client.get(f"/students/{valley.students['elsewhere'][0].id}").status_code == 404


def test_school_filter_cannot_reach_a_school_outside_the_district(valley, login_as):
    client = login_as(valley.admin)
    for path in (f"/students?school_id={valley.elsewhere.id}",
                 f"/students.csv?school_id={valley.elsewhere.id}",
                 "/students?school_id=2147483647"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert not _names(response)
    for value in ("-1", "north", "99999999999999999999"):
        response = client.get(f"/students?school_id={value}")
        assert response.status_code == 400 and "school_id" in response.get_data(as_text=True)


def test_another_districts_administrator_gets_404_on_this_districts_student(valley, login_as):
    client = login_as(valley.other_admin)
    assert client.get(f"/students/{valley.students['north'][0].id}").status_code == 404
    assert _names(client.get("/students")) == {"Elsewhere0", "Elsewhere1"}
    assert client.get(f"/students?school_id={valley.north.id}").status_code == 404


def test_school_staff_still_see_only_their_own_school(valley, login_as):
    client = login_as(valley.north_admin)
    page = client.get("/students")
    assert _names(page) == {"North0", "North1"}
    assert 'name="school_id"' not in page.get_data(as_text=True)  # one school: no filter
    assert _names(client.get(f"/students?school_id={valley.north.id}")) == {"North0", "North1"}
    assert client.get(f"/students?school_id={valley.south.id}").status_code == 404
    assert client.get(f"/students/{valley.students['south'][0].id}").status_code == 404
    teacher = login_as(valley.north_teacher)
    assert _names(teacher.get("/students")) == {"North0", "North1"}
    assert teacher.get(f"/students/{valley.students['south'][0].id}").status_code == 404
    assert teacher.get(f"/students?school_id={valley.south.id}").status_code == 404


def test_classes_are_offered_once_a_school_is_chosen(valley, login_as):
    """Across a district's schools the class filter lists none (the same class names repeat
    in every school); a school's classes once it is chosen; a class asked for still filters."""
    client = login_as(valley.admin)
    everywhere = client.get("/students")
    assert class_options(everywhere) == set()
    assert "Choose a school to filter by class." in everywhere.get_data(as_text=True)
    south = client.get(f"/students?school_id={valley.south.id}")
    assert class_options(south) == {valley.south_class.id}
    assert "Choose a school" not in south.get_data(as_text=True)
    asked = client.get(f"/students?section_id={valley.north_class.id}")
    assert class_options(asked) == {valley.north_class.id}
    assert f'<option selected value="{valley.north_class.id}">' in asked.get_data(as_text=True)
    assert _names(asked) == {"North0", "North1"}
    assert client.get(f"/students?section_id={valley.elsewhere_class.id}").status_code == 400
    own_school = login_as(valley.north_admin).get("/students")
    assert class_options(own_school) == {valley.north_class.id}


def test_programs_too_are_offered_once_a_school_is_chosen(valley, login_as):
    """Each school's "Debate club" is its own program: across the schools none is listed but
    the one asked for, which filters to that school's members."""
    clubs = {}
    for name in ("north", "south"):
        club = Program(school_id=getattr(valley, name).id, name="Debate club", kind="club")
        db.session.add(club)
        db.session.flush()
        db.session.add(ProgramEnrollment(program_id=club.id, student_id=valley.students[name][0].id,
                                         starts_on=date(2026, 9, 1)))
        clubs[name] = club.id
    db.session.commit()
    client = login_as(valley.admin)
    everywhere = client.get("/students")
    assert class_options(everywhere, "program_id") == set()
    assert "Choose a school to filter by program." in everywhere.get_data(as_text=True)
    assert class_options(client.get(f"/students?school_id={valley.south.id}"),
                         "program_id") == {clubs["south"]}
    asked = client.get(f"/students?program_id={clubs['north']}")
    assert class_options(asked, "program_id") == {clubs["north"]}
    assert _names(asked) == {"North0"}
    assert class_options(login_as(valley.north_admin).get("/students"),
                         "program_id") == {clubs["north"]}


@pytest.mark.parametrize("page", ["/students", "/dashboards/"])
def test_the_grade_filter_offers_the_grades_of_the_students_the_user_sees(valley, login_as,
                                                                         page):
    """A grade only another school, another district or another teacher's class has is not
    offered; the school filter narrows the grades to that school's."""
    f.make_student(valley.north, grade_level=7)  # in no class of the north teacher
    f.make_student(valley.south, grade_level=12)
    f.make_student(valley.elsewhere, grade_level=5)
    db.session.commit()

    def grades(user, query=""):
        return class_options(login_as(user).get(f"{page}{query}"), "grade_level")

    assert grades(valley.admin) == {7, 9, 10, 12}
    assert grades(valley.admin, f"?school_id={valley.south.id}") == {9, 10, 12}
    assert grades(valley.north_admin) == {7, 9, 10}
    assert grades(valley.other_admin) == {5, 9, 10}
    if page == "/students":  # the dashboards are for administrators and counsellors
        assert grades(valley.north_teacher) == {9, 10}
