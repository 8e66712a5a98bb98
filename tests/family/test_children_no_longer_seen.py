"""A child who left the school or was erased is no longer one of the family's children: not
listed, not opened, not written, booked or answered about, not in the calendar feed, the
weekly email or any message; the family's own past messages and requests stay in their
inbox, their requests and their data download. Staff still see the child."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.core.permissions import can_see_student
from portal.core.time import to_local, utcnow
from portal.events.answer_links import answer_url
from portal.events.models import ConferenceSlot, EventInvitation
from portal.extensions import db
from portal.family.services import submit_feedback
from portal.messaging.digest import send_weekly_digests
from portal.messaging.inbox import reply_to_message
from portal.messaging.services import notify_guardian
from portal.messaging.worker import drain
from portal.needs.models import Feedback, FeedbackReply
from tests.events.helpers import add_event, school_with_families, take_away
from tests.family.test_events import _conference, _feed_token
from tests.family.test_settings import _download
from tests.messaging.helpers import text_part


def _soon(world, days: int) -> dict:
    """An event's local times a few days from now, in the school's zone."""
    starts = to_local(utcnow(), world.school.timezone).replace(
        hour=18, minute=0, second=0, microsecond=0, tzinfo=None) + timedelta(days=days)
    return {"starts_local": starts, "ends_local": starts + timedelta(hours=2)}


@pytest.fixture(params=["left", "erased"])
def ben_gone(request, app):
    """Marta's Ann is at school; her brother Ben left or was erased after his events were
    planned and a message about him reached Marta."""
    world = school_with_families()
    world.open_house = add_event(world, title="Open house", **_soon(world, 3))
    world.concert = add_event(world, title="Grade 10 concert", audience={"grade_levels": [10]},
                              rsvp_requested=True, **_soon(world, 4))
    world.about_ben = notify_guardian(guardian=world.marta, kind="general",
                                      subject="The class trip", body_text="Bring lunch.",
                                      student=world.ben)
    take_away(world, world.ben, request.param)
    return world


def _never_named(page: str) -> bool:
    return "Ben Novak" not in page and "Erased student" not in page


@pytest.mark.parametrize("url, shown", [("/family/", "Ann Novak"),
                                         ("/family/requests/new", "Ann Novak"),
                                         ("/family/events", "Open house"), ("ann", "Ann Novak")])
def test_the_family_sees_only_the_child_still_at_school(ben_gone, login_as, url, shown):
    world = ben_gone
    url = f"/family/children/{world.ann.id}" if url == "ann" else url
    page = login_as(world.marta_user).get(url).get_data(as_text=True)
    assert shown in page and _never_named(page)
    assert "Grade 10 concert" not in page


def test_a_guardian_whose_only_child_left_sees_no_child(app, login_as):
    world = school_with_families()
    take_away(world, world.cleo, "left")
    client = login_as(world.diaz_user)
    assert "No children are linked" in client.get("/family/").get_data(as_text=True)
    assert client.get(f"/family/children/{world.cleo.id}").status_code == 404


@pytest.mark.parametrize("whose", ["ben", "cleo"])
def test_the_page_of_a_gone_or_another_familys_child_is_not_found(ben_gone, login_as, whose):
    child = getattr(ben_gone, whose)
    assert login_as(ben_gone.marta_user).get(f"/family/children/{child.id}").status_code == 404


@pytest.mark.parametrize("whose", ["ben", "cleo"])
def test_a_request_about_a_gone_or_another_familys_child_is_refused(ben_gone, login_as, whose):
    response = login_as(ben_gone.marta_user).post("/family/requests/new", data={
        "kind": "question", "student_id": getattr(ben_gone, whose).id,
        "subject": "Homework", "body": "How much homework is there?"})
    assert response.status_code == 400
    assert "You can only write about your own children" in response.get_data(as_text=True)
    assert db.session.scalar(select(Feedback)) is None


def test_no_conference_is_booked_for_the_gone_child(ben_gone, login_as):
    event, slots = _conference(ben_gone)
    response = login_as(ben_gone.marta_user).post(
        f"/family/conferences/slots/{slots[0].id}/book", data={"student_id": ben_gone.ben.id})
    assert response.status_code == 404
    assert db.session.get(ConferenceSlot, slots[0].id).student_id is None


def _answer_page(app, invitation):
    """Open the invitation's one-step "yes" link, signed out."""
    with app.test_request_context():
        link = answer_url(invitation, "yes")
    return app.test_client().get(re.sub(r"^https?://[^/]+", "", link))


def test_the_gone_childs_invitation_is_answered_neither_in_the_portal_nor_by_link(
        ben_gone, app, login_as):
    invitation = db.session.scalar(select(EventInvitation).where(
        EventInvitation.event_id == ben_gone.concert.id))
    assert invitation.student_id == ben_gone.ben.id
    client = login_as(ben_gone.marta_user)
    assert client.post(f"/family/events/invitations/{invitation.id}/rsvp",
                       data={"answer": "yes"}).status_code == 404
    response = _answer_page(app, invitation)
    assert response.status_code == 400
    assert "a child you can no longer see" in response.get_data(as_text=True)
    assert db.session.get(EventInvitation, invitation.id).rsvp is None


def test_the_calendar_feed_leaves_out_the_gone_childs_events(ben_gone, app, login_as):
    token = _feed_token(login_as(ben_gone.marta_user))
    feed = app.test_client().get(f"/family/calendar/{token}.ics").get_data(as_text=True)
    assert "Open house" in feed and "Grade 10 concert" not in feed


def test_the_weekly_email_leaves_out_the_gone_child(ben_gone, smtp_server):
    drain()  # the invitations and the message about Ben, sent before he was gone
    smtp_server.messages.clear()
    ben_gone.school.weekly_message_cap = 10  # those three do not hold the digest back
    assert send_weekly_digests(any_day=True) == 2  # Marta and Dora; Bob may not be told
    db.session.commit()
    drain()
    (email,) = [message for message in smtp_server.messages
                if message["To"] == ben_gone.marta.email]
    text = f"{email['Subject']}\n{text_part(email)}"
    assert "Ann Novak" in text and "Open house" in text
    assert _never_named(text) and "Grade 10 concert" not in text


def test_no_message_about_the_gone_child_reaches_the_family(ben_gone):
    assert notify_guardian(guardian=ben_gone.marta, kind="general", subject="Absent today",
                           body_text="Ben was absent.", student=ben_gone.ben) is None


def test_the_familys_past_messages_about_the_gone_child_stay_in_their_inbox(ben_gone, login_as):
    """Erasure blanks what the message said about Ben (privacy.erasure), not the thread."""
    client = login_as(ben_gone.marta_user)
    assert "The class trip" in client.get("/family/inbox").get_data(as_text=True)
    page = client.get(f"/family/inbox/{ben_gone.about_ben.id}").get_data(as_text=True)
    assert "The class trip" in page and "can no longer be answered about them" in page


def test_staff_still_see_the_gone_child(ben_gone):
    assert can_see_student(ben_gone.admin, ben_gone.ben.id)
    assert not can_see_student(ben_gone.marta_user, ben_gone.ben.id)
    assert can_see_student(ben_gone.marta_user, ben_gone.ann.id)


def test_the_answer_link_of_the_child_still_at_school_still_works(ben_gone, app):
    invitation = db.session.scalar(select(EventInvitation).where(
        EventInvitation.event_id == ben_gone.open_house.id,
        EventInvitation.guardian_id == ben_gone.marta.id))
    assert _answer_page(app, invitation).status_code == 200


@pytest.fixture(params=["left", "erased"])
def ben_gone_after_writing(request, app):
    """Marta asked about Ben and answered the school about him; then Ben left or was erased."""
    world = school_with_families()
    world.asked = submit_feedback(guardian=world.marta, author=world.marta_user,
                                  student_id=world.ben.id, kind="question",
                                  subject="Homework load", body="Ben Novak has too much homework.")
    thread = notify_guardian(guardian=world.marta, kind="general", subject="The class trip",
                             body_text="Bring lunch.", student=world.ben)
    reply_to_message(guardian=world.marta, author=world.marta_user, thread=thread,
                     body="Ben Novak will bring lunch.", student=world.ben)
    take_away(world, world.ben, request.param)
    world.how = request.param
    return world


def test_the_familys_own_requests_about_the_gone_child_stay_listed(ben_gone_after_writing,
                                                                   login_as):
    """The requests list left them out, while the inbox kept them."""
    world = ben_gone_after_writing
    client = login_as(world.marta_user)
    assert "Homework load" in client.get("/family/requests").get_data(as_text=True)
    page = client.get(f"/family/requests/{world.asked.id}").get_data(as_text=True)
    assert "Homework load" in page and ("Ben Novak" in page) == (world.how == "left")
    refused = client.post(f"/family/requests/{world.asked.id}", data={"body": "Any news?"})
    assert refused.status_code == 400 and "can no longer be answered about them" in (
        refused.get_data(as_text=True))
    assert db.session.scalar(select(FeedbackReply)) is None


def test_the_data_download_holds_the_familys_own_words_about_the_gone_child(
        ben_gone_after_writing, login_as):
    world = ben_gone_after_writing
    tables = _download(login_as(world.marta_user))
    assert [row["subject"] for row in tables["requests"]] == ["Homework load"]
    assert [(row["from_family"], row["student_id"]) for row in tables["messages"]] == [
        (False, world.ben.id), (True, world.ben.id)]
    assert [child["first_name"] for child in tables["children"]] == ["Ann"]
    if world.how == "erased":  # no more about Ben than erasure left on the record
        assert "Ben Novak" not in json.dumps(tables, ensure_ascii=False)


def test_another_familys_download_holds_none_of_it(ben_gone_after_writing, login_as):
    tables = _download(login_as(ben_gone_after_writing.diaz_user))
    text = json.dumps(tables, ensure_ascii=False)
    assert tables["requests"] == [] and tables["messages"] == []
    assert "Homework load" not in text and "class trip" not in text
