"""The family inbox: own messages only, read receipts, replies into the communication history."""

import pytest
from sqlalchemy import select

from portal.auth.models import Role
from portal.core.signals import record_changed
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.messaging.models import Message
from portal.messaging.services import notify_guardian
from tests import factories as f
from tests.messaging.helpers import school_with_families
from tests.people.helpers import classroom, family_request


def _message(world, guardian, student=None, subject="Trip on Friday"):
    message = notify_guardian(guardian=guardian, kind="general", subject=subject,
                              body_text="Bring <b>lunch</b>.", student=student,
                              sender=world.teacher)
    db.session.commit()
    return message


def test_inbox_lists_the_guardians_messages_and_opening_one_marks_it_read(app, login_as):
    world = school_with_families()
    mine = _message(world, world.mum, world.ana)
    _message(world, world.gran, subject="For Gisele only")
    client = login_as(world.mum.user)
    page = client.get("/family/inbox").get_data(as_text=True)
    assert "Trip on Friday" in page and "For Gisele only" not in page and "1 unread" in page
    opened = client.get(f"/family/inbox/{mine.id}").get_data(as_text=True)
    assert "Bring &lt;b&gt;lunch&lt;/b&gt;." in opened
    assert db.session.get(Message, mine.id).read_at is not None


def test_another_familys_message_is_not_found(app, login_as):
    world = school_with_families()
    theirs = _message(world, world.gran, world.cara)
    client = login_as(world.mum.user)
    assert client.get(f"/family/inbox/{theirs.id}").status_code == 404
    assert client.post(f"/family/inbox/{theirs.id}/reply",
                       data={"body": "hello"}).status_code == 404
    assert db.session.get(Message, theirs.id).read_at is None


def test_reply_lands_in_the_thread_and_the_students_history(app, login_as):
    world = school_with_families()
    thread = _message(world, world.mum, world.ben)
    changes = []
    record_changed.connect(lambda sender, **kw: changes.append(kw), weak=False)
    response = login_as(world.mum.user).post(f"/family/inbox/{thread.id}/reply",
                                             data={"body": "Ben will bring lunch."})
    assert response.status_code == 302
    reply = db.session.scalar(select(Message).where(Message.from_family.is_(True)))
    assert (reply.thread_id, reply.student_id, reply.guardian_id) == (thread.id, world.ben.id,
                                                                      world.mum.id)
    interaction = db.session.scalar(select(Interaction))
    assert (interaction.channel, interaction.direction, interaction.visibility,
            interaction.student_id, interaction.message_id) == (
        "message", "inbound", "family", world.ben.id, reply.id)
    assert "Ben will bring lunch." in interaction.summary
    assert any(c["object_type"] == "interaction" and c["object_id"] == interaction.id
               for c in changes)


def test_reply_about_a_message_for_several_children_asks_which_child(app, login_as):
    world = school_with_families()
    thread = _message(world, world.mum)
    client = login_as(world.mum.user)
    assert "About which child" in client.get(f"/family/inbox/{thread.id}").get_data(as_text=True)
    missing = client.post(f"/family/inbox/{thread.id}/reply", data={"body": ""})
    assert missing.status_code == 400
    assert "This field is required." in missing.get_data(as_text=True)
    client.post(f"/family/inbox/{thread.id}/reply",
                data={"body": "About Cara", "student_id": str(world.cara.id)})
    assert db.session.scalar(select(Interaction.student_id)) == world.cara.id


def test_staff_see_read_in_portal_in_the_campaign_report(app, login_as):
    from portal.messaging.campaigns import create_campaign, send_campaign

    world = school_with_families()
    campaign = create_campaign(sender=world.admin, school=world.school, title="News",
                               kind="general", criteria={"languages": ["fr"]},
                               variants={"en": ("Hello", "Hi {{ guardian_name }}")})
    send_campaign(campaign=campaign, sender=world.admin, confirmed_count=None)
    db.session.commit()
    message = db.session.scalar(select(Message))
    account = f.make_user(Role.GUARDIAN, None, email="gisele@example.org")
    world.gran.user_id = account.id
    db.session.commit()
    login_as(account).get(f"/family/inbox/{message.id}")
    report = login_as(world.admin).get(f"/messaging/campaigns/{campaign.id}/status")
    assert report.get_json()["read"] == 1


def test_a_reply_to_a_closed_request_is_refused_with_its_words_kept(app, login_as):
    """The request was closed meanwhile: the family sees why on the thread, with what they
    wrote still in the box (it was a bare error page, their text gone)."""
    room = classroom()
    feedback = family_request(room)
    staff = login_as(room.teacher)
    staff.post(f"/needs/requests/{feedback.id}/reply", data={"body": "About an hour."})
    staff.post(f"/needs/requests/{feedback.id}/update", data={"assigned_to_id": "",
                                                              "status": "closed"})
    thread = db.session.scalar(select(Message).where(
        Message.guardian_id == room.guardian.id, Message.thread_id.is_(None)))
    family = login_as(room.parent)
    response = family.post(f"/family/inbox/{thread.id}/reply",
                           data={"body": "Thank you, one more question."})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This request is closed." in page and "Thank you, one more question." in page


def test_a_guardian_with_no_child_to_name_replies_to_a_general_message(app, login_as):
    """Diego may not be told about Ana, so he has no child to choose: the form asked him for
    one anyway, and he could not reply at all."""
    world = school_with_families()
    thread = _message(world, world.dad, subject="School closed on Monday")
    client = login_as(world.dad.user)
    assert "About which child" not in client.get(f"/family/inbox/{thread.id}").get_data(
        as_text=True)
    response = client.post(f"/family/inbox/{thread.id}/reply", data={"body": "Thanks."})
    assert response.status_code == 302
    reply = db.session.scalar(select(Message).where(Message.from_family.is_(True)))
    assert (reply.thread_id, reply.student_id, reply.body_text) == (thread.id, None, "Thanks.")
    assert db.session.scalar(select(Interaction)) is None


def test_the_thread_of_a_request_never_asks_which_child(app, login_as):
    """The request says what it is about (a child, or the school in general)."""
    from portal.family.services import submit_feedback
    from portal.needs.models import FeedbackReply
    from portal.needs.services import reply_to_feedback

    world = school_with_families()
    feedback = submit_feedback(guardian=world.mum, author=world.mum.user, student_id=None,
                               kind="question", subject="Bus times", body="When is the bus?")
    reply_to_feedback(feedback=feedback, actor=world.admin, body="At eight.")
    db.session.commit()
    client = login_as(world.mum.user)
    page = client.get(f"/family/inbox/{feedback.message_id}").get_data(as_text=True)
    assert "At eight." in page and "About which child" not in page
    response = client.post(f"/family/inbox/{feedback.message_id}/reply",
                           data={"body": "Thank you."})
    assert response.status_code == 302
    assert db.session.scalar(select(FeedbackReply.body).where(
        FeedbackReply.author_id == world.mum.user.id)) == "Thank you."


def _end(world, how: str) -> None:
    """Take Ben out of his mother's sight: the link ended, Ben left the school or was erased."""
    from portal.privacy.services import deactivate, erase_person

    if how == "link ended":
        link = next(link for link in world.ben.guardian_links if link.guardian_id == world.mum.id)
        deactivate(record=link, actor=world.admin, reason="Custody changed")
    elif how == "left":
        deactivate(record=world.ben, actor=world.admin, reason="Moved away")
    else:
        erase_person(person=world.ben, actor=world.admin, reason="Asked by the family")
    db.session.commit()


def _nothing_stored() -> bool:
    return (db.session.scalar(select(Message).where(Message.from_family.is_(True))) is None
            and db.session.scalar(select(Interaction)) is None)


@pytest.mark.parametrize("how", ["link ended", "left", "erased"])
def test_a_reply_about_a_child_no_longer_seen_is_refused_on_the_form(app, login_as, how):
    """It was a bare 404 page: the guardian had no idea why, and their words were gone."""
    world = school_with_families()
    thread = _message(world, world.mum, world.ben, subject="Ben's trip")
    _end(world, how)
    client = login_as(world.mum.user)
    assert "can no longer be answered about them" in client.get(
        f"/family/inbox/{thread.id}").get_data(as_text=True)  # said before they write
    response = client.post(f"/family/inbox/{thread.id}/reply",
                           data={"body": "Ben will bring lunch."})
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "can no longer be answered about them" in page and "new request" in page
    assert "Ben will bring lunch." in page and "About which child" not in page
    assert _nothing_stored()


def test_a_general_message_is_answered_about_no_child_once_the_chosen_one_is_gone(app,
                                                                                login_as):
    world = school_with_families()
    thread = _message(world, world.mum, subject="School closed on Monday")
    client = login_as(world.mum.user)
    assert "The school in general" in client.get(f"/family/inbox/{thread.id}").get_data(
        as_text=True)
    _end(world, "link ended")  # the page was open with Ben among the choices
    response = client.post(f"/family/inbox/{thread.id}/reply",
                           data={"body": "Thanks.", "student_id": str(world.ben.id)})
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and "You can no longer write about this child." in page
    assert f'value="{world.ben.id}"' not in page and _nothing_stored()
    response = client.post(f"/family/inbox/{thread.id}/reply",
                           data={"body": "Thanks.", "student_id": "0"})
    assert response.status_code == 302
    reply = db.session.scalar(select(Message).where(Message.from_family.is_(True)))
    assert (reply.thread_id, reply.student_id) == (thread.id, None)
    assert db.session.scalar(select(Interaction)) is None


@pytest.mark.parametrize("child", ["another family's", "unknown"])
def test_another_familys_child_is_never_named_in_a_reply(app, login_as, child):
    world = school_with_families()
    thread = _message(world, world.mum, subject="School closed on Monday")
    other = f.make_student(world.school, first_name="Olga")
    f.make_family(world.school, other)
    db.session.commit()
    student_id = other.id if child == "another family's" else other.id + 1000
    response = login_as(world.mum.user).post(f"/family/inbox/{thread.id}/reply",
                                             data={"body": "Hi", "student_id": str(student_id)})
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and "You can no longer write about this child." in page
    assert "Olga" not in page and _nothing_stored()
