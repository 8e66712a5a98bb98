"""The demo's district administrator sees the demo school's students."""

import pytest

from portal.core.permissions import visible_schools
from portal.demo.district_admin import DEMO_DISTRICT_ACCOUNT, add_demo_district_administrator
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
