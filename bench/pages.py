"""The benchmark's page timings: school 1's administrator, and the district administrator
on the district's views, with the school filter on school 1 and across every school."""

import gc
import statistics
import time

import flask_babel
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event, select

from portal import freeze_start_up
from portal.auth.models import Role, User
from portal.auth.sessions import LAST_SEEN
from portal.core.time import utcnow
from portal.extensions import db
from portal.outcomes.models import Program
from portal.people.models import School, Student

REQUESTS = 20


class FreshRequestClient(FlaskClient):
    """A test client whose requests do not see the user or locale a previous request cached.

    The benchmark's (or a test's) app context stays pushed, and Flask reuses it for each
    request, so the signed-in user and the locale cached in `g` would otherwise leak between
    requests: the district administrator's pages were timed as school 1's administrator.
    """

    def open(self, *args, **kwargs):
        self._forget_cached_user()
        try:
            return super().open(*args, **kwargs)
        finally:
            self._forget_cached_user()

    @staticmethod
    def _forget_cached_user() -> None:
        if has_app_context():  # a request from another thread brings its own context
            g.pop("_login_user", None)
            flask_babel.refresh()


class QueryCounter:
    """Count the SQL statements the app sends while it is switched on."""

    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args):
        self.count += 1


def _timed_gets(client, counter: QueryCounter, urls: list[str]) -> dict:
    client.get(urls[0])  # warm caches (templates, translations) before timing
    times, queries = [], []
    for url in urls:
        before = counter.count
        started = time.perf_counter()
        response = client.get(url)
        times.append(1000 * (time.perf_counter() - started))
        queries.append(counter.count - before)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    cuts = statistics.quantiles(times, n=20, method="inclusive")
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(cuts[18], 1),
            "queries": max(queries), "requests": len(urls)}


def district_administrator(school: School) -> User:
    """Return the school's district administrator (no school of their own; the generator
    makes one for every district)."""
    admin = db.session.scalar(select(User).where(
        User.role == Role.ADMINISTRATOR, User.school_id.is_(None),
        User.district_id == school.district_id).order_by(User.id).limit(1))
    if admin is None:
        raise RuntimeError(f"{school.name}'s district has no administrator: generate it again.")
    return admin


def _signed_in(app, user: User) -> FreshRequestClient:
    client = FreshRequestClient(app, app.response_class)
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user.get_id(), True
        session[LAST_SEEN] = utcnow().isoformat()
    return client


def measure_pages(app, requests: int = REQUESTS) -> dict:
    """Time the profile, the filtered student list, the dashboard and the families we are not
    reaching as school 1's administrator ("pages"), and as the district administrator
    ("district_pages": the same with the school filter on school 1; the list, dashboard and
    families of every school at once); then the analyses and the compose page, school 1's
    and the district's ("analysis_pages", fewer requests: some take seconds)."""
    school = db.session.scalar(select(School).order_by(School.id).limit(1))
    admin = db.session.scalar(select(User).where(User.school_id == school.id,
                                                 User.role == Role.ADMINISTRATOR))
    district_admin = district_administrator(school)
    students = list(db.session.scalars(select(Student.id).where(Student.school_id == school.id)
                                       .order_by(Student.id)))
    step = max(1, len(students) // requests)
    profiles = [f"/students/{student_id}" for student_id in students[::step][:requests]]
    grade_lists = [f"/students?grade_level={9 + n % 4}&sort=risk&attendance_below=95"
                   for n in range(requests)]
    school_admin, district = _signed_in(app, admin), _signed_in(app, district_admin)
    counter = QueryCounter(db.engine)
    db.session.remove()
    freeze_start_up()  # as portal.wsgi does in a server process; undone after the timings
    try:
        return _pages(school, school_admin, district, counter, profiles, grade_lists,
                      requests)
    finally:
        gc.unfreeze()


def _pages(school: School, school_admin, district, counter: QueryCounter,
           profiles: list[str], grade_lists: list[str], requests: int) -> dict:
    """measure_pages' timings, once the clients are signed in."""
    this_school = f"school_id={school.id}"
    return {
        "pages": {"profile": _timed_gets(school_admin, counter, profiles),
                  "student_list": _timed_gets(school_admin, counter, grade_lists),
                  "dashboard": _timed_gets(school_admin, counter, ["/dashboards/"] * requests),
                  "families_not_reached": _timed_gets(school_admin, counter,
                                                      ["/messaging/reach"] * requests)},
        "district_pages": {
            "profile": _timed_gets(district, counter, profiles),
            "student_list": _timed_gets(district, counter,
                                        [f"{url}&{this_school}" for url in grade_lists]),
            "dashboard": _timed_gets(district, counter,
                                     [f"/dashboards/?{this_school}"] * requests),
            "student_list_all_schools": _timed_gets(district, counter, grade_lists),
            "dashboard_all_schools": _timed_gets(district, counter, ["/dashboards/"] * requests),
            "families_not_reached": _timed_gets(district, counter,
                                                [f"/messaging/reach?{this_school}"] * requests),
            "families_not_reached_all_schools": _timed_gets(district, counter,
                                                            ["/messaging/reach"] * requests),
        },
        "analysis_pages": _analysis_pages(school, school_admin, district, counter,
                                          max(2, requests // 4)),
    }


def _analysis_pages(school: School, school_admin, district, counter: QueryCounter,
                    requests: int) -> dict:
    """Intervention effectiveness, program impact (school 1's first program), event figures
    and the compose page: school 1's administrator's, and the district administrator's
    across every school ("_all_schools")."""
    program = db.session.scalar(select(Program.id).where(Program.school_id == school.id)
                                .order_by(Program.id).limit(1))
    urls = {"intervention_effectiveness": "/dashboards/interventions",
            "program_impact": f"/dashboards/programs?program_id={program}",
            "event_figures": "/events/figures", "compose": "/messaging/campaigns/new"}
    if program is None:  # a district generated without programs
        del urls["program_impact"]
    db.session.remove()
    found = {}
    for name, url in urls.items():
        found[name] = _timed_gets(school_admin, counter, [url] * requests)
        found[f"{name}_all_schools"] = _timed_gets(district, counter, [url] * requests)
    return found
