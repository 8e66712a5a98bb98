"""Every route of the URL map, as every role, with hostile path, query and form values:
never a server error. Iterates app.url_map, so routes added later are covered too. A route
whose view lets only other roles in (roles_required) must refuse this role, and gets the
hostile values from the roles it lets in: the refusal comes before any parameter is read.
Every form a page shows is then sent as the page filled it in, with one field at a time
tampered with: a value refused early can no longer hide what a later field does with its own
(a plan's owner "-1" was a server error behind a valid form only)."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.core.planner import refresh_statistics
from portal.demo.school import load_demo_school
from portal.extensions import db
from portal.family.services import submit_feedback
from portal.messaging.campaigns import create_campaign
from portal.messaging.models import Message
from portal.outcomes.intervention_services import open_intervention
from portal.people.models import Guardian, School, Student, StudentGuardian
from portal.risk.services import assess_students
from tests.conftest import (
    TEST_NOW,
    is_postgres,
    module_app,
    postgresql_pass_alongside,
    sign_in_session,
)

HOSTILE = ("99999999999999999999", "-1", "sNaN", "NaN", "inf", "0001-01-01", "9999-12-31",
           "0001-01", "9999-12", "2026-02-30", "\x00", "=1+1")
HOSTILE_IDS = ("99999999999999999999", "2147483648", "0", "-1")
QUERY_NAMES = ("page", "grade_level", "section_id", "program_id", "attendance_below",
               "max_score", "score", "no_contact_days", "week", "weeks", "month", "year",
               "date", "day", "on_date", "start", "end", "since", "until", "view", "kind",
               "sort", "segment_id", "template_id", "guardian_id", "student_id", "follows",
               "chart", "outcome", "grading_period_id", "assessment_name", "q", "lang", "next",
               "school_id", "grade_levels")
FORM_NAMES = QUERY_NAMES + ("starts_at", "ends_at", "booking_closes_at", "capacity",
                            "review_on", "opened_on", "occurred_at", "due_on",
                            "follow_up_due", "scheduled_at", "starts_on", "ends_on",
                            "confirm_count", "slot_minutes", "email", "password", "body",
                            "subject", "title", "threshold", "weight")
ROLES = ("admin@demo.school", "teacher@demo.school", "counsellor@demo.school",
         "parent@demo.school", None)
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
# One field at a time, in a filled-in form: a text longer than any column (an absence's
# reason of 5,000 characters was a server error on PostgreSQL) too.
TAMPERED = ("-1", "99999999999999999999", "\x00", "é" * 5000)
# JSON bodies no form sends: nested past the parser's depth, nested just within it, not an
# object, infinite; each was a server error on every route taking a POST.
HOSTILE_JSON = ("[" * 5000 + "]" * 5000, '{"a":' * 900 + '"\u0000"' + "}" * 900, '"text"',
                "1e999999", "[]")


@dataclass
class World:
    app: object
    client: object
    real_ids: dict


def _seed() -> None:
    """The demo school, plus the records it has none of: flags, a campaign, a request,
    a plan and a letter (so that their pages and forms are reached with a real id)."""
    load_demo_school(today=TEST_NOW.date())
    school = db.session.scalar(select(School))
    admin = db.session.scalar(select(User).where(User.email == ROLES[0]))
    parent = db.session.scalar(select(User).where(User.email == ROLES[3]))
    guardian = db.session.scalar(select(Guardian).where(Guardian.user_id == parent.id))
    child = db.session.scalar(select(StudentGuardian.student_id)
                              .where(StudentGuardian.guardian_id == guardian.id))
    assess_students(school=school, today=TEST_NOW.date())
    create_campaign(sender=admin, school=school, title="News", kind="general", criteria={},
                    variants={"en": ("News", "Dear {{ guardian_name }}")})
    submit_feedback(guardian=guardian, author=parent, student_id=child, kind="question",
                    subject="A question", body="When?")
    open_intervention(student=db.session.get(Student, child), actor=admin, owner=admin,
                      reason="Absences", goal="Come every day", today=TEST_NOW.date())
    db.session.add(Message(guardian_id=guardian.id, student_id=child, subject="Letter",
                           body_text="Hello"))
    db.session.flush()


def _real_ids() -> dict[str, int]:
    """Return, for each table, its smallest id (a record the path can name)."""
    found = {}
    for table in db.metadata.sorted_tables:
        if "id" in table.c:
            found[table.name] = db.session.scalar(select(func.min(table.c.id))) or 1
    return found


def _real_id(real_ids: dict, argument: str) -> int:
    stem = argument.removesuffix("_id")
    names = sorted((name for name in real_ids if name == stem or name.endswith(stem + "s")),
                   key=len)
    return real_ids[names[0]] if names else 1


@pytest.fixture(scope="module")
def world(database_url):
    with module_app(database_url, RATELIMIT_ENABLED=False) as app:
        _seed()
        db.session.commit()
        refresh_statistics()  # a bulk seed: stale planner statistics pick minutes-long plans
        yield World(app=app, client=app.test_client(), real_ids=_real_ids())


def _sign_in(client, user_id: int | None) -> None:
    with client.session_transaction() as session:
        session.clear()
        if user_id is not None:
            sign_in_session(session, db.session.get(User, user_id))


def _paths(rule, real_ids) -> list[str]:
    """Return the rule's URL with real ids, then with each hostile value in every argument."""
    real = {arg: _real_id(real_ids, arg) if arg.endswith("_id") else "x" for arg in rule.arguments}
    paths = [_build(rule, real)]
    for value in HOSTILE_IDS:
        paths.append(_build(rule, dict.fromkeys(rule.arguments, value)))
    for value in HOSTILE:  # a token or an action name: any text
        paths.append(_build(rule, {arg: real[arg] if arg.endswith("_id") else value
                                   for arg in rule.arguments}))
    return list(dict.fromkeys(path for path in paths if path))


def _build(rule, values) -> str | None:
    path = rule.rule
    for argument in rule.arguments:
        path = re.sub(rf"<(?:[a-z]+:)?{argument}>", str(values[argument]), path)
    return path


class Forms(HTMLParser):
    """The forms of a page, each with its method, action and fields as the page fills them in
    (a select's selected or first option, a multiple select's selected ones as a list, a
    checked box; an unchecked one is left out)."""

    def __init__(self, page: str):
        super().__init__()
        self.forms, self._form, self._select = [], None, None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "form":
            self._form = PageForm((attributes.get("method") or "get").upper(),
                                  attributes.get("action"))
            self.forms.append(self._form)
        elif self._form is None or not (name or tag == "option"):
            return
        elif tag == "input":
            self._form.names.append(name)
            if attributes.get("type") not in ("checkbox", "radio") or "checked" in attributes:
                self._form.values[name] = attributes.get("value") or ""
        elif tag == "textarea":
            self._form.names.append(name)
            self._form.values[name] = "Text"
        elif tag == "select" and "multiple" in attributes:  # its selected options, a list
            self._form.names.append(name)
            self._form.values[name], self._select = [], name
        elif tag == "select":
            self._form.names.append(name)
            self._select = name
        elif self._select and isinstance(self._form.values.get(self._select), list):
            if "selected" in attributes:
                self._form.values[self._select].append(attributes.get("value", ""))
        elif self._select and (self._select not in self._form.values or "selected" in attributes):
            self._form.values[self._select] = attributes.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


@dataclass
class PageForm:
    method: str
    action: str | None
    names: list = field(default_factory=list)
    values: dict = field(default_factory=dict)


class Probe:
    """Send requests as one user and collect every answer of 500 or more."""

    def __init__(self, world: World, user_id: int | None):
        self.client, self.user_id, self.failures = world.client, user_id, []
        self.forms_sent = set()
        self.role = db.session.get(User, user_id).role if user_id else None

    def send(self, method: str, path: str, value: str = "", *, refused: bool = False,
             described: str = "", **kwargs) -> str:
        """Send one request; when refused, the answer must be a refusal (403, or the sign-in
        page for someone signed out)."""
        _sign_in(self.client, self.user_id)
        said = described or (f"with every parameter {value!r}" if value else "")
        case = f"{method} {path} {said}".rstrip()
        try:
            response = self.client.open(path, method=method, **kwargs)
        except Exception as error:  # noqa: BLE001 — every crash is a finding
            db.session.rollback()
            self.failures.append(f"{case}: {error!r}")
            return ""
        if response.status_code >= 500:
            self.failures.append(f"{case}: {response.status_code}")
        elif refused and response.status_code != 403 and (
                self.role or "/login" not in response.headers.get("Location", "")):
            self.failures.append(f"{case}: {response.status_code}, not refused")
        return response.get_data(as_text=True) if response.mimetype == "text/html" else ""


def _refused(probe: Probe, view) -> bool:
    """Return True when the view lets only other roles in: it refuses before reading any
    parameter (roles_required), so hostile values cannot reach it as this user."""
    allowed = getattr(view, "allowed_roles", None)
    return allowed is not None and probe.role not in allowed


def _fields(page: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(FIELD.findall(page)))


def _tamper_with_forms(probe: Probe, page: str, path: str) -> None:
    """Send each form of the page (once a crawl) as filled in, one field at a time tampered
    with; never the sign-out form (the crawl would go on signed out)."""
    for form in Forms(page).forms:
        action = form.action or path
        key = (form.method, action.split("?")[0], tuple(form.names))
        if not action.startswith("/") or "logout" in action or key in probe.forms_sent:
            continue
        probe.forms_sent.add(key)
        sent_as = "data" if form.method == "POST" else "query_string"
        for name in [name for name in dict.fromkeys(form.names) if name != "csrf_token"]:
            for value in TAMPERED:
                probe.send(form.method, action, described=f"with {name}={value!r} in its form",
                           **{sent_as: {**form.values, name: value}})


def _probe_rule(probe: Probe, rule, real_ids, view) -> None:
    paths = _paths(rule, real_ids)
    if _refused(probe, view):  # the other roles send the hostile values
        for method in {"GET", "POST"} & rule.methods:
            probe.send(method, paths[0], refused=True)
        return
    names = FORM_NAMES
    if "GET" in rule.methods:
        page = probe.send("GET", paths[0])
        names = tuple(dict.fromkeys(FORM_NAMES + _fields(page)))
        _tamper_with_forms(probe, page, paths[0])
        for path in paths[1:]:
            probe.send("GET", path)
        for value in HOSTILE:
            probe.send("GET", paths[0], value, query_string=dict.fromkeys(names, value))
    if "POST" in rule.methods:
        for path in paths[1:]:
            probe.send("POST", path, data=dict.fromkeys(names, "1"))
        for value in HOSTILE:
            probe.send("POST", paths[0], value, data=dict.fromkeys(names, value))
        for body in HOSTILE_JSON:
            probe.send("POST", paths[0], described=f"with the JSON body {body[:12]!r}…",
                       data=body, content_type="application/json")


# `make test` shares the crawl between its passes, each role crawled in one: the staff who
# see a caseload on PostgreSQL, the others on SQLite; on SQLite alone, every role. (It once
# took 31 minutes on PostgreSQL; with autovacuum off the test schema, teardown without the
# foreign-key checks, and the refused routes probed once, about 30 s a role here on SQLite,
# 50 s for the administrator, whom fewest routes refuse.)
ON_POSTGRESQL = ("teacher@demo.school", "counsellor@demo.school")


def _crawled_here(email: str | None) -> bool:
    if is_postgres():
        return email in ON_POSTGRESQL
    return email not in ON_POSTGRESQL or not postgresql_pass_alongside()


@pytest.mark.parametrize("email", [
    pytest.param(email, id=(email or "anonymous").split("@")[0], marks=pytest.mark.skipif(
        not _crawled_here(email), reason="crawled in the other pass of make test"))
    for email in ROLES])
def test_no_route_answers_hostile_input_with_a_server_error(world, email):
    user_id = db.session.scalar(select(User.id).where(User.email == email)) if email else None
    probe = Probe(world, user_id)
    _sign_in(probe.client, user_id)
    home = probe.client.get("/")
    assert (email is None) == ("/login" in home.headers.get("Location", "")), "not signed in"
    rules = [rule for rule in world.app.url_map.iter_rules()
             if rule.endpoint not in ("static", "dashboards.plotly_js")]
    for rule in sorted(rules, key=lambda rule: rule.rule):
        _probe_rule(probe, rule, world.real_ids, world.app.view_functions[rule.endpoint])
    assert not probe.failures, f"{len(probe.failures)} server errors:\n" + "\n".join(
        probe.failures)
