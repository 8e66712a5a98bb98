"""The demo's district administrators: the demo school's, and a generated district's."""

from datetime import date

import pytest
from sqlalchemy import select

from bench.pages import district_administrator
from portal.auth.models import User
from portal.core.permissions import visible_schools
from portal.demo.district import generate_district
from portal.demo.district_admin import DEMO_DISTRICT_ACCOUNT, add_demo_district_administrator
from portal.demo.names import DEMO_PASSWORD
from portal.extensions import db
from tests import factories as f


def test_demo_district_administrator_sees_every_school_of_the_district(app, login_as):
    school, sister = f.make_school("Riverside"), f.make_school("Hillside")
    f.make_district("Demo District", school, sister)
    pupil = f.make_student(school)
    admin = add_demo_district_administrator(school=school, password="demo-password")
    db.session.commit()
    assert admin.email == DEMO_DISTRICT_ACCOUNT[0] and admin.is_district_administrator
    assert admin.check_password("demo-password")
    assert [s.name for s in visible_schools(admin)] == ["Hillside", "Riverside"]
    assert login_as(admin).get(f"/students/{pupil.id}").status_code == 200


def test_a_school_outside_any_district_gets_no_district_administrator(app):
    with pytest.raises(ValueError, match="no district"):
        add_demo_district_administrator(school=f.make_school(), password="demo-password")


def test_a_generated_district_has_its_administrator(app, login_as):
    """`demo-data --students N`: the district's administrator sees its schools' students, and
    the benchmark times the district views as that account."""
    summary = generate_district(students=12, today=date(2026, 11, 16))
    db.session.commit()
    admin = db.session.scalar(select(User).where(User.email == summary.district_administrator))
    assert admin.is_district_administrator and admin.check_password(DEMO_PASSWORD)
    schools = visible_schools(admin)
    assert [school.name for school in schools] == ["District School 1"]
    page = login_as(admin).get("/students").get_data(as_text=True)
    assert page.count('href="/students/') == 12
    assert district_administrator(schools[0]).id == admin.id  # the bench's account
