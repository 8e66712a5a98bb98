"""The test client itself: one test can act as several users in turn."""

from portal.auth.models import Role
from portal.extensions import db, limiter
from tests import factories as f


def test_login_as_a_second_user_in_the_same_test_acts_as_that_user(app, client, login_as):
    school = f.make_school()
    teacher, other = f.make_user(Role.TEACHER, school), f.make_user(Role.TEACHER, school)
    mine = f.make_student(school)
    f.make_section(school, teacher, mine)
    db.session.commit()
    assert login_as(teacher).get(f"/students/{mine.id}").status_code == 200
    assert login_as(other).get(f"/students/{mine.id}").status_code == 404


def test_an_app_without_rate_limits_leaves_them_on_for_the_tests_after_it(database_url):
    """The limiter is one object for every app: an app built without limits (the hostile
    crawl's, the browser tests') turned them off for every test after it, and the sign-in
    throttle tests failed when they ran later."""
    from tests.conftest import _app_for, config_for, module_app

    with module_app(database_url, RATELIMIT_ENABLED=False):
        assert not limiter.enabled
    application = _app_for(config_for(database_url))
    assert application.config["RATELIMIT_ENABLED"] is True and limiter.enabled
