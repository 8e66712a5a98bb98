"""A family's reply reaches the teacher, who answers in the portal: one thread, their language."""

from sqlalchemy import select

from portal.auth.models import Role
from portal.extensions import db
from portal.family.services import submit_feedback
from portal.interactions.models import Interaction
from portal.messaging.models import Message
from portal.messaging.queries import inbox_of, unread_count
from portal.messaging.services import notify_guardian
from portal.needs.models import Feedback, FeedbackReply
from portal.needs.services import reply_to_feedback
from portal.notifications.models import NotificationKind as Kind
from portal.notifications.models import StaffNotification
from tests import factories as f
from tests.messaging.helpers import as_sent
from tests.notifications.helpers import emails_to, notified, school_with_staff


def _spanish_mother_with_thread(world):
    account = f.make_user(Role.GUARDIAN, None, email="maria@example.org",
                          preferred_language="es")
    world.mum.user_id = account.id
    thread = notify_guardian(guardian=world.mum, kind="general", subject="Excursion",
                             body_text="Friday", student=world.ana, sender=world.teacher)
    db.session.commit()
    return account, thread


def test_reply_notifies_the_teacher_who_answers_and_the_family_sees_one_thread(app, login_as):
    world = school_with_staff()
    account, thread = _spanish_mother_with_thread(world)
    login_as(account).post(f"/family/inbox/{thread.id}/reply", data={"body": "Ana vendrá."})
    notification = db.session.scalar(select(StaffNotification).where(
        StaffNotification.user_id == world.teacher.id, StaffNotification.kind == Kind.FAMILY_REPLY))
    assert notification.title == f"{world.mum.display_name} replied: Re: Excursion"  # not Spanish
    teacher = login_as(world.teacher)
    opened = teacher.get(f"/notifications/{notification.id}")
    assert opened.headers["Location"] == f"/messaging/threads/{thread.id}"
    assert "Ana vendrá." in teacher.get(opened.headers["Location"]).get_data(as_text=True)
    answered = teacher.post(f"/messaging/threads/{thread.id}/answer",
                            data={"body": "Perfect, see you <b>Friday</b>."})
    assert answered.status_code == 302

    answer = db.session.scalar(select(Message).where(Message.sender_user_id == world.teacher.id,
                                                     Message.thread_id == thread.id))
    assert answer is not None and not answer.from_family
    (email,) = as_sent(emails_to("mum@example.org")[1:])  # the first is the original message
    assert email.subject == "Re: Excursion" and "le ha respondido" in email.body_text
    assert "Perfect, see you <b>Friday</b>." in email.body_text
    history = db.session.scalars(select(Interaction).where(Interaction.student_id == world.ana.id)
                                 .order_by(Interaction.id)).all()
    assert [(i.direction, i.channel) for i in history] == [("inbound", "message"),
                                                            ("outbound", "message")]
    profile = teacher.get(f"/students/{world.ana.id}").get_data(as_text=True)
    assert f'href="/messaging/threads/{thread.id}"' in profile  # the thread from the timeline
    assert unread_count(world.mum.id) == 2  # the first message and the answer
    page = login_as(account).get(f"/family/inbox/{thread.id}").get_data(as_text=True)
    assert page.index("Ana vendrá.") < page.index("Perfect, see you &lt;b&gt;Friday&lt;/b&gt;.")
    assert unread_count(world.mum.id) == 0


def test_staff_who_may_not_see_the_student_cannot_open_or_answer_the_thread(app, login_as):
    world = school_with_staff()
    _account, thread = _spanish_mother_with_thread(world)
    outsider = login_as(world.outsider)
    assert outsider.get(f"/messaging/threads/{thread.id}").status_code == 404
    assert outsider.post(f"/messaging/threads/{thread.id}/answer",
                         data={"body": "Hi"}).status_code == 404
    assert db.session.scalar(select(Message).where(Message.thread_id == thread.id)) is None


def test_an_empty_answer_is_refused_and_nothing_is_sent(app, login_as):
    world = school_with_staff()
    _account, thread = _spanish_mother_with_thread(world)
    response = login_as(world.teacher).post(f"/messaging/threads/{thread.id}/answer",
                                            data={"body": ""})
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)
    assert len(emails_to("mum@example.org")) == 1


def test_an_answer_to_a_request_is_emailed_in_the_familys_language_and_kept_in_history(app):
    world = school_with_staff()
    account, _thread = _spanish_mother_with_thread(world)
    feedback = submit_feedback(guardian=world.mum, author=account, student_id=world.ana.id,
                               kind="question", subject="Horario", body="¿A qué hora?")
    reply_to_feedback(feedback=feedback, actor=world.teacher, body="A las 8.")
    email = emails_to("mum@example.org")[-1]
    assert email.subject == "Respuesta a su solicitud: Horario"
    interaction = db.session.scalars(select(Interaction).order_by(Interaction.id)).all()[-1]
    assert (interaction.student_id, interaction.author_id, interaction.visibility) == (
        world.ana.id, world.teacher.id, "family")
    assert "A las 8." in interaction.summary


def _answered_request(world, login_as):
    """A Spanish mother's request about Ana, answered twice by the teacher in the portal."""
    account = f.make_user(Role.GUARDIAN, None, email="maria@example.org",
                          preferred_language="es")
    world.mum.user_id = account.id
    feedback = submit_feedback(guardian=world.mum, author=account, student_id=world.ana.id,
                               kind="question", subject="Horario", body="¿A qué hora?")
    feedback.assigned_to_id = world.teacher.id
    db.session.commit()
    teacher = login_as(world.teacher)
    for body in ("A las 8.", "Y los viernes a las 9."):
        assert teacher.post(f"/needs/requests/{feedback.id}/reply",
                            data={"body": body}).status_code == 302
    return account, feedback


def test_answers_to_a_request_form_one_thread_the_family_replies_in(app, login_as):
    world = school_with_staff()
    account, feedback = _answered_request(world, login_as)
    first, second = db.session.scalars(select(Message).order_by(Message.id)).all()
    assert feedback.message_id == first.id and first.thread_id is None
    assert second.thread_id == first.id  # the second answer joins the first one's thread
    assert [thread.id for thread, _count in inbox_of(world.mum.id)] == [first.id]
    assert [e.subject for e in emails_to("mum@example.org")] == [
        "Respuesta a su solicitud: Horario"] * 2

    family = login_as(account)
    assert family.post(f"/family/inbox/{first.id}/reply",
                       data={"body": "Gracias, allí estaremos."}).status_code == 302
    reply = db.session.scalar(select(FeedbackReply).where(FeedbackReply.author_id == account.id))
    assert reply.feedback_id == feedback.id and reply.body == "Gracias, allí estaremos."
    assert db.session.get(Feedback, feedback.id).status == "in_progress"
    assert notified(Kind.FAMILY_REPLY) == {world.teacher.id: ["The family replied: Horario"]}
    staff_page = login_as(world.teacher).get(f"/needs/requests/{feedback.id}")
    assert "Gracias, allí estaremos." in staff_page.get_data(as_text=True)
    page = login_as(account).get(f"/family/inbox/{first.id}").get_data(as_text=True)
    assert page.index("Y los viernes a las 9.") < page.index("Gracias, allí estaremos.")
    history = db.session.scalars(select(Interaction).where(Interaction.student_id == world.ana.id)
                                 .order_by(Interaction.id)).all()
    assert [i.direction for i in history] == ["outbound", "outbound", "inbound"]
    assert "Gracias, allí estaremos." in history[-1].summary


def test_a_reply_on_the_request_page_joins_the_inbox_thread_and_the_history(app, login_as):
    world = school_with_staff()
    account, feedback = _answered_request(world, login_as)
    assert login_as(account).post(f"/family/requests/{feedback.id}",
                                  data={"body": "¿Y el sábado?"}).status_code == 302
    reply = db.session.scalar(select(Message).where(Message.from_family.is_(True)))
    assert reply.thread_id == feedback.message_id and reply.body_text == "¿Y el sábado?"
    inbound = db.session.scalar(select(Interaction).where(Interaction.direction == "inbound"))
    assert inbound.message_id == reply.id and inbound.student_id == world.ana.id
    assert notified(Kind.FAMILY_REPLY) == {world.teacher.id: ["The family replied: Horario"]}
