"""The test client itself: one test can act as several users in turn."""

from portal.auth.models import Role
from portal.extensions import db
from tests import factories as f


def test_login_as_a_second_user_in_the_same_test_acts_as_that_user(app, client, login_as):
    school = f.make_school()
    teacher, other = f.make_user(Role.TEACHER, school), f.make_user(Role.TEACHER, school)
    mine = f.make_student(school)
    f.make_section(school, teacher, mine)
    db.session.commit()
    assert login_as(teacher).get(f"/students/{mine.id}").status_code == 200
    assert login_as(other).get(f"/students/{mine.id}").status_code == 404
