"""Teacher notes: the weekly prompt, the note to each family (once), and who may write."""

from sqlalchemy import func, select

from portal.auth.models import Role
from portal.core.models import Visibility
from portal.extensions import db
from portal.interactions.listeners import prompt_teacher_notes
from portal.interactions.models import Interaction, InteractionParticipant, TeacherNote
from portal.messaging.models import Message
from portal.notifications.models import NotificationKind, StaffNotification
from tests import factories as f
from tests.notifications.helpers import emails_to, school_with_staff

NOTE = "This week, Cara could practise her times tables for ten minutes a day."


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_note_goes_to_each_family_in_their_language_and_is_logged_for_them(app, login_as):
    world = school_with_staff()
    response = login_as(world.teacher).post(f"/interactions/notes/{world.cara.id}",
                                            data={"note": f"  {NOTE}\n"})
    assert response.status_code == 303
    messages = db.session.scalars(select(Message).order_by(Message.guardian_id)).all()
    assert {(m.guardian_id, m.language) for m in messages} == {(world.mum.id, "es"),
                                                               (world.gran.id, "fr")}
    assert all(NOTE in m.body_text and m.sender_user_id == world.teacher.id for m in messages)
    assert len(emails_to("mum@example.org")) == 1 and len(emails_to("gran@example.org")) == 1
    assert emails_to("dad@example.org") == []
    interaction = db.session.scalar(select(Interaction))
    assert (interaction.student_id, interaction.author_id) == (world.cara.id, world.teacher.id)
    assert interaction.summary == NOTE and interaction.channel == "message"
    assert interaction.visibility == Visibility.FAMILY
    assert set(db.session.scalars(select(InteractionParticipant.guardian_id))) == {
        world.mum.id, world.gran.id}
    history = login_as(world.mum.user).get(f"/family/children/{world.cara.id}")
    assert NOTE in history.get_data(as_text=True)  # the family's copy of the history
    page = login_as(world.teacher).get("/interactions/notes").get_data(as_text=True)
    assert NOTE in page and f'action="/interactions/notes/{world.ana.id}"' in page
    assert f'action="/interactions/notes/{world.cara.id}"' not in page


def test_a_double_click_or_a_second_tab_sends_the_note_once(app, login_as):
    world = school_with_staff()
    client = login_as(world.teacher)
    first = client.post(f"/interactions/notes/{world.ana.id}", data={"note": NOTE})
    second = client.post(f"/interactions/notes/{world.ana.id}", data={"note": "Another"},
                         follow_redirects=True)
    assert first.status_code == 303 and second.status_code == 200
    assert "already sent" in second.get_data(as_text=True)
    assert _count(TeacherNote) == 1 and _count(Interaction) == 1
    assert len(emails_to("mum@example.org")) == 1


def test_next_week_the_teacher_writes_again(app, login_as, clock):
    world = school_with_staff()
    login_as(world.teacher).post(f"/interactions/notes/{world.ana.id}", data={"note": NOTE})
    clock.advance(days=7)
    assert login_as(world.teacher).post(f"/interactions/notes/{world.ana.id}",
                       data={"note": "Next week's"}).status_code == 303
    assert _count(TeacherNote) == 2


def test_another_teacher_cannot_write_to_a_family_they_do_not_teach(app, login_as):
    world = school_with_staff()
    for user in (world.outsider, world.counsellor, world.admin):
        response = login_as(user).post(f"/interactions/notes/{world.ana.id}",
                                       data={"note": NOTE})
        assert response.status_code == 404
    assert _count(TeacherNote) == 0 and _count(Message) == 0 and _count(Interaction) == 0
    page = login_as(world.outsider).get("/interactions/notes").get_data(as_text=True)
    assert "Olga" in page and "Ana" not in page
    assert login_as(world.mum.user).get("/interactions/notes").status_code == 403


def test_an_empty_or_long_note_is_refused_with_a_reason(app, login_as):
    world = school_with_staff()
    client = login_as(world.teacher)
    empty = client.post(f"/interactions/notes/{world.ana.id}", data={"note": "   "})
    long = client.post(f"/interactions/notes/{world.ana.id}", data={"note": "x" * 301})
    assert empty.status_code == 422 and "Write the note first" in empty.get_data(as_text=True)
    assert long.status_code == 422 and "300" in long.get_data(as_text=True)
    assert _count(TeacherNote) == 0 and _count(Message) == 0


def test_each_teacher_with_students_is_prompted_once_a_week(app, clock):
    world = school_with_staff()
    f.make_user(Role.TEACHER, world.school)  # teaches nobody
    db.session.commit()
    assert prompt_teacher_notes() == 2
    assert prompt_teacher_notes() == 0
    prompts = db.session.scalars(select(StaffNotification).where(
        StaffNotification.kind == NotificationKind.TEACHER_NOTES)).all()
    assert {p.user_id for p in prompts} == {world.teacher.id, world.outsider.id}
    assert all(p.link == "/interactions/notes" for p in prompts)
    clock.advance(days=5)  # next Monday
    assert prompt_teacher_notes() == 2
    clock.advance(days=1)
    assert prompt_teacher_notes() == 0
