"""An event for a saved audience (a messaging segment): its families are invited once each."""

from datetime import timedelta

from sqlalchemy import func, select

from portal.core.time import utcnow
from portal.events.models import Event, EventInvitation
from portal.extensions import db
from portal.messaging.models import Message, Segment
from portal.outcomes.models import Program, ProgramEnrollment
from tests.events.helpers import make_family, school_with_families
from tests.factories import make_school, make_student

FORM = {"kind": "parent_workshop", "title": "Robotics parents' evening",
        "starts_at": "2027-03-10T18:30", "ends_at": "2027-03-10T20:00"}


def _robotics_world():
    world = school_with_families()
    program = Program(school_id=world.school.id, name="Robotics", kind="club")
    db.session.add(program)
    db.session.flush()
    dan = make_student(world.school, grade_level=10, first_name="Dan", last_name="Park")
    fay = make_student(world.school, grade_level=10, first_name="Fay", last_name="Park")
    eve = make_student(world.school, grade_level=10, first_name="Eve", last_name="Ortiz")
    for child in (world.ann, world.ben, dan, fay):
        db.session.add(ProgramEnrollment(program_id=program.id, student_id=child.id,
                                         starts_on=utcnow().date() - timedelta(days=30)))
    _, pia = make_family(world.school, dan, fay, first_name="Pia", last_name="Park")
    _, barred = make_family(world.school, dan, may_receive_information=False,
                            first_name="Paul", last_name="Barred")
    _, ortiz = make_family(world.school, eve, first_name="Olga", last_name="Ortiz")
    segment = Segment(school_id=world.school.id, name="Grade 10 robotics",
                      criteria={"grade_levels": [10], "program_ids": [program.id]})
    db.session.add(segment)
    db.session.commit()
    return world, segment, pia, barred, ortiz


def test_an_event_for_a_saved_audience_invites_its_guardians_once_each(app, login_as):
    world, segment, pia, barred, ortiz = _robotics_world()
    client = login_as(world.admin)
    assert "Grade 10 robotics" in client.get("/events/new").get_data(as_text=True)
    response = client.post("/events/new", data={**FORM, "segment_id": segment.id})
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.audience["segment_id"] == segment.id
    invited = db.session.scalars(select(EventInvitation.guardian_id).where(
        EventInvitation.event_id == event.id)).all()
    # Marta (Ben, grade 10; Ann is grade 9) and Pia (Dan and Fay), once each; not the
    # parent barred from information, not Olga (Eve is not in the program), not Dora.
    assert sorted(invited) == sorted([world.marta.id, pia.id])
    assert db.session.scalar(select(func.count()).select_from(Message).where(
        Message.guardian_id == pia.id)) == 1


def test_a_saved_audience_of_another_school_is_refused_next_to_the_field(app, login_as):
    world = school_with_families()
    elsewhere = make_school()
    foreign = Segment(school_id=elsewhere.id, name="Theirs", criteria={"grade_levels": [9]})
    db.session.add(foreign)
    db.session.commit()
    response = login_as(world.admin).post("/events/new", data={**FORM, "segment_id": foreign.id})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="segment_id-error"' in page
    assert "not one of this school" in page
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0
    assert db.session.scalar(select(func.count()).select_from(EventInvitation)) == 0


def test_a_teacher_cannot_invite_a_saved_audience(app, login_as):
    world, segment, *_ = _robotics_world()
    response = login_as(world.teacher).post("/events/new",
                                            data={**FORM, "segment_id": segment.id})
    assert response.status_code == 400
    assert 'id="segment_id-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_a_saved_audience_spanning_a_school_the_sender_does_not_work_in_is_refused(
        app, login_as):
    """A district administrator's audience of two schools, filed under this one: a hand-made
    post by this school's administrator is refused, not sent to this school's part of it."""
    world, segment, *_ = _robotics_world()
    elsewhere = make_school()
    segment.criteria = {**segment.criteria, "school_ids": [world.school.id, elsewhere.id]}
    db.session.commit()
    response = login_as(world.admin).post("/events/new", data={**FORM, "segment_id": segment.id})
    assert response.status_code == 400
    assert "not one of this school" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0
    assert db.session.scalar(select(func.count()).select_from(EventInvitation)) == 0
