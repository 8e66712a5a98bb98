"""A double click, a second tab or a browser's retry sends a form once (portal/core/once.py)."""

import threading

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.core.once import _kept_location
from portal.events.models import EventAttendance
from portal.extensions import db
from portal.messaging.models import Delivery
from portal.messaging.worker import drain
from portal.needs.models import FeedbackReply, Need
from portal.outcomes.models import Program, ProgramEnrollment
from tests.conftest import is_postgres
from tests.events.helpers import add_event, school_with_families
from tests.people.helpers import classroom, client_for, district, family_request
from tests.test_hostile_input import ROLES, Forms, Probe, _paths, _refused, world  # noqa: F401

REPLY = {"body": "We will look at the homework together on Monday."}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _request(room):
    return family_request(room)


def test_a_reply_pressed_twice_is_sent_once_and_the_second_press_is_told(
        app, login_as, smtp_server):
    room = classroom()
    feedback = _request(room)
    client = login_as(room.teacher)
    url = f"/needs/requests/{feedback.id}/reply"
    first = client.post(url, data=REPLY)
    second = client.post(url, data=REPLY)
    assert first.status_code == 302 and second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]  # where the first went
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "already sent a moment ago; it was not sent again" in page
    assert _count(FeedbackReply) == 1
    drain()
    replies = [m for m in smtp_server.messages if m["To"] == room.guardian.email]
    assert len(replies) == 1


def test_what_differs_is_sent_and_the_same_words_again_after_ten_minutes(app, login_as, clock):
    """Other words, another colleague, or the same words once the window has passed: each is
    a message of its own. Only a request's reply is held to once: its status may go back
    and forth."""
    room = classroom()
    feedback = _request(room)
    url = f"/needs/requests/{feedback.id}"
    assert login_as(room.teacher).post(f"{url}/reply", data=REPLY).status_code == 302
    assert login_as(room.teacher).post(f"{url}/reply", data={
        "body": "And on Tuesday."}).status_code == 302
    assert login_as(room.admin).post(f"{url}/reply", data=REPLY).status_code == 302
    clock.advance(minutes=11)
    assert login_as(room.teacher).post(f"{url}/reply", data=REPLY).status_code == 302
    assert _count(FeedbackReply) == 4
    client = login_as(room.teacher)
    for status in ("in_progress", "new", "in_progress"):
        assert client.post(f"{url}/update", data={"assigned_to_id": "",
                                                  "status": status}).status_code == 302


def test_a_refused_form_may_be_sent_again(app, login_as):
    """A submission the action refused (a 4xx) gives its claim back: the same form is refused
    again for its own reason, not called already sent, and once put right it is sent."""
    room = classroom()
    feedback = _request(room)
    client = login_as(room.teacher)
    url = f"/needs/requests/{feedback.id}/reply"
    for _ in range(2):
        refused = client.post(url, data={"body": ""})
        assert refused.status_code == 400
        assert "already sent" not in refused.get_data(as_text=True)
    assert client.post(url, data=REPLY).status_code == 302
    assert _count(FeedbackReply) == 1


@pytest.mark.postgres_only
def test_four_tabs_sending_the_same_reply_at_once_send_it_once(app, login_as):
    if not is_postgres():
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    room = classroom()
    url = f"/needs/requests/{_request(room).id}/reply"
    deliveries = _count(Delivery)  # the staff told of the request
    tabs = [client_for(app, room.teacher) for _ in range(4)]
    db.session.remove()
    barrier, answers = threading.Barrier(len(tabs)), []

    def press_send(tab):
        barrier.wait()
        answers.append(tab.post(url, data=REPLY))

    threads = [threading.Thread(target=press_send, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answer.status_code for answer in answers) == [302, 303, 303, 303]
    assert len({answer.headers["Location"] for answer in answers}) == 1
    assert _count(FeedbackReply) == 1
    assert _count(Delivery) == deliveries + 1  # the family's email


# Forms that may be sent twice on purpose: each press makes a new private calendar link (and
# switches the one before off), so the page a second press shows holds the link that works.
SENT_AGAIN_ON_PURPOSE = {"/family/calendar"}


def _row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


@pytest.mark.parametrize("email", [pytest.param(email, id=email.split("@")[0])
                                   for email in ROLES if email])
def test_every_form_a_page_shows_sent_twice_as_filled_in_acts_once(world, email):  # noqa: F811
    """Each form of every page, sent twice as the page filled it in (empty text filled in):
    when the first press wrote anything, the second writes nothing."""
    probe = Probe(world, db.session.scalar(select(User.id).where(User.email == email)))
    twice, sent = [], set()
    for rule in sorted(world.app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods or rule.endpoint in ("static", "dashboards.plotly_js") \
                or _refused(probe, world.app.view_functions[rule.endpoint]):
            continue
        path = _paths(rule, world.real_ids)[0]
        for form in Forms(probe.send("GET", path)).forms:
            action = form.action or path
            key = (action.split("?")[0], tuple(form.names))
            if form.method != "POST" or not action.startswith("/") or key in sent \
                    or any(word in action for word in ("logout", "erase")) \
                    or action in SENT_AGAIN_ON_PURPOSE:
                continue
            sent.add(key)
            values = {name: value or "Text" for name, value in form.values.items()}
            before = _row_counts()
            probe.send("POST", action, data=values)
            between = _row_counts()
            probe.send("POST", action, data=values)
            after = _row_counts()
            if between != before and after != between:
                twice.append(f"{path} -> {action}: " + ", ".join(
                    f"{table} +{after[table] - between[table]}" for table in after
                    if after[table] != between[table]))
    assert not probe.failures, probe.failures
    assert not twice, "sent twice:\n" + "\n".join(twice)


def test_where_a_first_press_went_is_kept_only_if_the_column_holds_it():
    """A longer address (a redirect carrying a long query) would not fit: the second press is
    then told with a 409 rather than sent to half an address."""
    assert _kept_location("/needs/requests/7") == "/needs/requests/7"
    assert _kept_location(None) == "" and _kept_location("/x?q=" + "a" * 2000) == ""


def test_a_request_converted_twice_makes_one_need(app, login_as):
    room = classroom()
    url = f"/needs/requests/{_request(room).id}/convert"
    client = login_as(room.teacher)
    answers = [client.post(url, data={"kind": "learning_support"}) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [302, 303]
    assert db.session.scalar(select(func.count()).select_from(Need).where(
        Need.student_id == room.student.id)) == 1


def test_a_student_added_to_a_program_twice_takes_part_once(app, login_as):
    room = classroom()
    program = Program(school_id=room.school.id, name="Chess", kind="club")
    db.session.add(program)
    db.session.commit()
    client = login_as(room.admin)
    form = {"student_id": str(room.student.id), "starts_on": "2026-11-02"}
    answers = [client.post(f"/outcomes/programs/{program.id}", data=form) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [302, 303]
    assert db.session.scalar(select(func.count()).select_from(ProgramEnrollment).where(
        ProgramEnrollment.program_id == program.id)) == 1


def test_a_district_administrator_adding_a_program_is_told_who_adds_it(app, login_as):
    valley = district()
    response = login_as(valley.admin).post("/outcomes/programs", data={
        "name": "Chess", "kind": "club"})
    assert response.status_code == 400
    assert "its own administrator adds it" in response.get_data(as_text=True)
    assert db.session.scalar(select(Program).where(Program.school_id.is_(None))) is None


@pytest.mark.postgres_only
def test_a_family_checked_in_from_eight_tablets_at_once_is_checked_in_once(app):
    if not is_postgres():
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    families = school_with_families()
    event = add_event(families)
    url, guardian_id = f"/events/{event.id}/check-in", families.marta.id
    tabs = [client_for(app, families.admin) for _ in range(8)]
    db.session.remove()
    barrier, answers = threading.Barrier(len(tabs)), []

    def tap(tab, n):  # each tablet's own form: the once-only guard does not merge them
        barrier.wait()
        answers.append(tab.post(url, data={"guardian_id": guardian_id, "note": str(n)}))

    threads = [threading.Thread(target=tap, args=(tab, n)) for n, tab in enumerate(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == len(tabs)  # a server error raises in its thread: no answer
    assert all(answer.status_code < 500 for answer in answers)
    assert db.session.scalar(select(func.count()).select_from(EventAttendance).where(
        EventAttendance.guardian_id == guardian_id)) == 1
