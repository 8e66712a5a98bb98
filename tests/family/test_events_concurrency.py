"""Two guardians clicking the same last slot at the same moment: only one gets it."""

import re
import threading

import pytest
from sqlalchemy import func, select

from portal.events.models import ConferenceSlot, EventInvitation
from portal.extensions import db
from portal.messaging.models import Delivery
from tests.conftest import is_postgres, sign_in_session
from tests.events.helpers import add_event, school_with_families
from tests.family.test_events import _conference


def _signed_in_client(app, user):
    client = app.test_client()
    with client.session_transaction() as session:
        sign_in_session(session, user)
    return client


def _in_own_thread(send, url):
    # A request in its own thread gets its own app context (and signed-in user).
    answers = []
    thread = threading.Thread(target=lambda: answers.append(send(url)))
    thread.start()
    thread.join(timeout=30)
    return answers[0]


@pytest.mark.postgres_only
def test_two_guardians_booking_the_same_slot_at_once_only_one_gets_it(app):
    if not is_postgres():
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    world = school_with_families()
    _event, slots = _conference(world)
    clients = [_signed_in_client(app, world.marta_user), _signed_in_client(app, world.diaz_user)]
    children = [world.ann.id, world.cleo.id]
    slot_ids = [slot.id for slot in slots]
    db.session.remove()
    for slot_id in slot_ids:
        barrier, statuses, pages = threading.Barrier(2), {}, {}

        def book(index, slot_id=slot_id, barrier=barrier, statuses=statuses, pages=pages):
            barrier.wait()
            response = clients[index].post(f"/family/conferences/slots/{slot_id}/book",
                                           data={"student_id": children[index]})
            statuses[index] = response.status_code
            pages[index] = response.get_data(as_text=True)

        threads = [threading.Thread(target=book, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(statuses.values()) == [302, 409]
        loser = next(index for index, status in statuses.items() if status == 409)
        assert "this time was just taken" in pages[loser]
        free = set(re.findall(r"/family/conferences/slots/(\d+)/book", pages[loser]))
        assert free == {str(other) for other in slot_ids if other != slot_id}
        # the loser may book the next slot: cancel the winner's so both can race again
        slot = db.session.get(ConferenceSlot, slot_id)
        assert slot.status == "booked"
        winner = children.index(slot.student_id)
        db.session.remove()
        cancel = clients[winner].post
        cancelled = _in_own_thread(cancel, f"/family/conferences/slots/{slot_id}/cancel")
        assert cancelled.status_code == 302
        assert db.session.get(ConferenceSlot, slot_id).status == "open"
        db.session.remove()


@pytest.mark.postgres_only
def test_two_families_answering_yes_to_the_last_place_at_once_one_waits(app):
    if not is_postgres():
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    world = school_with_families()
    event = add_event(world, rsvp_requested=True, capacity=1)
    invitations = {guardian.id: db.session.scalar(select(EventInvitation.id).where(
        EventInvitation.event_id == event.id, EventInvitation.guardian_id == guardian.id))
        for guardian in (world.marta, world.diaz)}
    clients = {world.marta.id: _signed_in_client(app, world.marta_user),
               world.diaz.id: _signed_in_client(app, world.diaz_user)}
    db.session.remove()
    barrier = threading.Barrier(2)

    def answer(guardian_id):
        barrier.wait()
        clients[guardian_id].post(f"/family/events/invitations/{invitations[guardian_id]}/rsvp",
                                  data={"answer": "yes"})

    threads = [threading.Thread(target=answer, args=(guardian_id,)) for guardian_id in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    answers = sorted(db.session.scalars(select(EventInvitation.rsvp).where(
        EventInvitation.id.in_(invitations.values()))))
    assert answers == ["waitlisted", "yes"]


@pytest.mark.postgres_only
def test_a_cancel_sent_twice_at_the_same_moment_cancels_and_tells_once(app):
    if not is_postgres():
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    world = school_with_families()
    _event, slots = _conference(world)
    clients = [_signed_in_client(app, world.marta_user) for _ in range(2)]  # two tabs
    assert clients[0].post(f"/family/conferences/slots/{slots[0].id}/book",
                           data={"student_id": world.ann.id}).status_code == 302
    cancel, barrier, statuses = f"/family/conferences/slots/{slots[0].id}/cancel", \
        threading.Barrier(2), []
    db.session.remove()

    def press(client):
        barrier.wait()
        statuses.append(client.post(cancel).status_code)

    threads = [threading.Thread(target=press, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [302, 302]
    assert db.session.get(ConferenceSlot, slots[0].id).status == "open"
    assert db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.subject.like("Conference cancelled%"))) == 1
