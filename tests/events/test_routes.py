"""Staff event pages: create with errors next to fields, who sees which event, check-in, history."""

import re
import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from portal.auth.models import Role
from portal.events.checkin import check_in
from portal.events.models import Event, EventAttendance
from portal.extensions import db
from portal.messaging.models import Message
from tests import factories as f
from tests.conftest import is_postgres
from tests.events.helpers import add_event, school_with_families
from tests.factories import make_family, make_school, make_student, make_user
from tests.people.helpers import client_for

FORM = {"kind": "parent_workshop", "title": "Math Night", "location": "Library",
        "starts_at": "2027-03-10T18:30", "ends_at": "2027-03-10T20:00", "whole_school": "y"}


def test_an_administrator_creates_an_event_in_the_school_time_zone(app, login_as):
    world = school_with_families()
    response = login_as(world.admin).post("/events/new", data=FORM)
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.starts_at == datetime(2027, 3, 10, 23, 30)


def test_end_before_start_is_shown_next_to_the_field_and_nothing_is_saved(app, login_as):
    world = school_with_families()
    response = login_as(world.admin).post("/events/new",
                                          data={**FORM, "ends_at": "2027-03-10T17:00"})
    assert response.status_code == 400
    assert 'id="ends_at-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_an_edit_is_refused_next_to_the_field_or_saved_and_shown(app, login_as):
    """The edit form carries the event's version, says a refusal next to its field (400,
    nothing changed) and goes back to the event once saved."""
    world = school_with_families()
    client = login_as(world.admin)
    client.post("/events/new", data=FORM)
    event = db.session.scalar(select(Event))
    url = f"/events/{event.id}/edit"
    shown = client.get(url).get_data(as_text=True)
    seen = re.search(r'name="seen" type="hidden" value="([^"]+)"', shown)[1]
    assert 'value="Math Night"' in shown
    refused = client.post(url, data={**FORM, "seen": seen, "title": "Moved",
                                     "ends_at": "2027-03-10T17:00"})
    assert refused.status_code == 400
    assert 'id="ends_at-error"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "Math Night"
    done = client.post(url, data={**FORM, "seen": seen, "title": "Maths Night"},
                       follow_redirects=True)
    assert done.request.path == f"/events/{event.id}"
    assert "The event is saved." in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "Maths Night"


def test_a_teacher_sees_school_wide_events_and_their_sections_only(app, login_as):
    world = school_with_families()
    everyone = add_event(world, title="Open house")
    mine = add_event(world, title="Class 9 meeting", audience={"section_ids": [world.section.id]})
    theirs = add_event(world, title="Other class",
                       audience={"section_ids": [world.other_section.id]})
    client = login_as(world.teacher)
    page = client.get("/events/?view=month&month=2027-03").get_data(as_text=True)
    assert "Open house" in page and "Class 9 meeting" in page and "Other class" not in page
    assert client.get(f"/events/{theirs.id}").status_code == 404
    assert client.get(f"/events/{mine.id}").status_code == 200
    assert client.get(f"/events/{everyone.id}/edit").status_code == 403


def test_staff_of_another_school_get_404(app, login_as):
    world = school_with_families()
    event = add_event(world)
    stranger = make_user(Role.ADMINISTRATOR, make_school())
    assert login_as(stranger).get(f"/events/{event.id}").status_code == 404


def test_the_event_page_counts_and_lists_only_families_the_viewer_may_see(app, login_as):
    world = school_with_families()
    event = add_event(world, starts_local=datetime(2026, 10, 1, 18),
                      ends_local=datetime(2026, 10, 1, 20))
    check_in(actor=world.admin, event=event, guardian_id=world.marta.id)
    db.session.commit()
    page = login_as(world.other_teacher).get(f"/events/{event.id}").get_data(as_text=True)
    assert "Marta Novak" in page and "Dora Diaz" not in page  # Ben is theirs, Cleo is not
    assert "<dt>Invited</dt><dd>2</dd>" in page and "<dt>Attended</dt><dd>1</dd>" in page


def test_check_in_by_child_name_with_walk_ins_and_corrections(app, login_as):
    world = school_with_families()
    event = add_event(world, audience={"grade_levels": [10]})  # only Marta is invited
    client = login_as(world.admin)
    page = client.get(f"/events/{event.id}/check-in?q=cleo").get_data(as_text=True)
    assert "Dora Diaz" in page and "walk-in" in page
    client.post(f"/events/{event.id}/check-in", data={"guardian_id": world.diaz.id})
    client.post(f"/events/{event.id}/check-in", data={"guardian_id": world.marta.id})
    walk_in = db.session.scalar(select(EventAttendance.is_walk_in).where(
        EventAttendance.guardian_id == world.diaz.id))
    assert walk_in is True
    client.post(f"/events/{event.id}/check-in/undo", data={"guardian_id": world.marta.id})
    assert db.session.scalars(select(EventAttendance.guardian_id)).all() == [world.diaz.id]


def test_check_in_of_a_family_of_another_school_is_refused_with_a_message(app, login_as):
    world = school_with_families()
    event = add_event(world)
    other = make_school()
    _user, outsider = make_family(other, make_student(other))
    db.session.commit()
    response = login_as(world.admin).post(f"/events/{event.id}/check-in",
                                          data={"guardian_id": outsider.id})
    assert response.status_code == 400
    assert "not a family of this school" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(EventAttendance)) == 0


def test_the_profile_shows_events_attended_and_missed(app, login_as):
    world = school_with_families()
    came = add_event(world, title="Back to school", starts_local=datetime(2026, 9, 10, 18),
                     ends_local=datetime(2026, 9, 10, 20))
    add_event(world, title="Book fair", starts_local=datetime(2026, 10, 10, 18),
              ends_local=datetime(2026, 10, 10, 20))
    check_in(actor=world.admin, event=came, guardian_id=world.marta.id)
    db.session.commit()
    page = login_as(world.teacher).get(f"/students/{world.ann.id}").get_data(as_text=True)
    assert "Attended 1 · missed 1" in page
    assert "Back to school" in page and "Book fair" in page


def test_figures_give_shares_per_grade_and_families_who_came_to_nothing(app, login_as):
    world = school_with_families()
    event = add_event(world, title="Back to school", starts_local=datetime(2026, 9, 10, 18),
                      ends_local=datetime(2026, 9, 10, 20))
    check_in(actor=world.admin, event=event, guardian_id=world.marta.id)
    db.session.commit()
    page = login_as(world.admin).get("/events/figures").get_data(as_text=True)
    assert "Dora Diaz" in page and "Marta Novak" not in page.split("came to nothing")[1]
    assert "50%" in page  # grade 9: Marta came, Dora did not


def test_families_who_came_to_nothing_are_only_those_the_teacher_may_see(app, login_as):
    world = school_with_families()
    add_event(world, title="Back to school", starts_local=datetime(2026, 9, 10, 18),
              ends_local=datetime(2026, 9, 10, 20))
    page = login_as(world.other_teacher).get("/events/figures").get_data(as_text=True)
    assert "Marta Novak" in page and "Dora Diaz" not in page  # Cleo is not their student


def test_the_event_ics_has_the_stable_uid(app, login_as):
    world = school_with_families()
    event = add_event(world)
    response = login_as(world.admin).get(f"/events/{event.id}/event.ics")
    assert response.mimetype == "text/calendar"
    assert f"UID:{event.uid}" in response.get_data(as_text=True).replace("\r\n ", "")
    assert "TZID=America/New_York" in response.get_data(as_text=True)


def test_a_walk_in_counts_for_every_child_of_the_family_at_that_school(app, login_as):
    world = school_with_families()
    event = add_event(world, title="Art show", audience={"grade_levels": [12]},  # no one
                      starts_local=datetime(2026, 9, 10, 18), ends_local=datetime(2026, 9, 10, 20))
    other = make_school()
    elsewhere = make_student(other, first_name="Eli")
    db.session.commit()
    client = login_as(world.admin)
    client.post(f"/events/{event.id}/check-in", data={"guardian_id": world.marta.id})
    for child in (world.ann, world.ben):  # Marta's two children: both stories say she came
        page = client.get(f"/students/{child.id}").get_data(as_text=True)
        panel = page.split('class="card events-panel"')[1].split("</section>")[0]
        timeline = page.split('id="timeline"')[1]
        assert "Attended 1 · missed 0" in panel and "Art show" in panel, child.first_name
        assert "without an invitation" in panel and "Art show" in timeline, child.first_name
    page = client.get(f"/students/{world.cleo.id}").get_data(as_text=True)
    assert "Art show" not in page  # another family's child
    # A family of two schools: a walk-in at this one is not a story of the other school's child.
    f.link(elsewhere, world.marta)
    db.session.commit()
    other_admin = make_user(Role.ADMINISTRATOR, other)
    db.session.commit()
    page = login_as(other_admin).get(f"/students/{elsewhere.id}").get_data(as_text=True)
    assert page.count("Art show") == 0


def test_families_who_came_to_nothing_come_a_page_at_a_time_by_name(app, login_as,
                                                                     monkeypatch):
    from portal.events import history, report_routes

    for module, name in ((history, "FAMILIES_PER_PAGE"), (report_routes, "FAMILIES_PER_PAGE")):
        monkeypatch.setattr(module, name, 1)
    world = school_with_families()
    add_event(world, title="Back to school", starts_local=datetime(2026, 9, 10, 18),
              ends_local=datetime(2026, 9, 10, 20))
    db.session.commit()
    client = login_as(world.admin)

    def listed(query=""):
        page = client.get(f"/events/figures{query}").get_data(as_text=True)
        return page, re.findall(r"<li><strong>([^<]+)</strong>", page)

    first, names = listed()
    assert names == ["Dora Diaz"] and "(2 guardians)" in first and "Page 1 of 2" in first
    assert 'href="/events/figures?page=2"' in first
    assert listed("?page=2")[1] == ["Marta Novak"]
    past_the_last = client.get("/events/figures?page=3")  # as every paged list: a 404
    assert past_the_last.status_code == 404
    assert "its last page is 2" in past_the_last.get_data(as_text=True)
    assert client.get("/events/figures?page=0").status_code == 400


def _cancellations() -> int:
    return db.session.scalar(select(func.count()).select_from(Message).where(
        Message.subject.like("Cancelled:%")))


def test_cancel_pressed_twice_tells_each_family_once(app, login_as):
    world = school_with_families()
    event = add_event(world)
    client = login_as(world.admin)
    too_long = client.post(f"/events/{event.id}/cancel", data={"reason": "x" * 1001},
                           follow_redirects=True)
    assert "1000" in too_long.get_data(as_text=True)  # the limit named; nothing cancelled
    assert db.session.get(Event, event.id).status == "scheduled" and _cancellations() == 0
    first = client.post(f"/events/{event.id}/cancel", data={"reason": "Storm warning"})
    second = client.post(f"/events/{event.id}/cancel", data={"reason": "Storm warning"})
    assert first.status_code == 302 and second.status_code == 303
    assert _cancellations() == 2  # the two invited families, once each


@pytest.mark.postgres_only
def test_cancel_pressed_in_three_tabs_at_once_tells_each_family_once(app):
    if not is_postgres():
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    world = school_with_families()
    url = f"/events/{add_event(world).id}/cancel"
    tabs = [client_for(app, world.admin) for _ in range(3)]
    db.session.remove()
    barrier = threading.Barrier(len(tabs))

    def press(tab, reason):
        barrier.wait()
        tab.post(url, data={"reason": reason})

    # each tab's own words: the once-only guard sees three different forms
    threads = [threading.Thread(target=press, args=(tab, f"Storm {n}"))
               for n, tab in enumerate(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert _cancellations() == 2


def test_a_teacher_sees_the_events_of_the_grades_they_teach(app, login_as, clock):
    """Math Night for grade 9 families: Ann and Cleo's teacher sees it (only counsellors of
    grade 9 did); Ben's teacher, of grade 10, does not."""
    world = school_with_families()
    event = add_event(world, title="Math Night", audience={"grade_levels": [9]})
    teacher = login_as(world.teacher)
    assert "Math Night" in teacher.get("/events/").get_data(as_text=True)
    assert teacher.get(f"/events/{event.id}").status_code == 200
    other = login_as(world.other_teacher)
    assert "Math Night" not in other.get("/events/").get_data(as_text=True)
    assert other.get(f"/events/{event.id}").status_code == 404


def test_a_district_administrator_s_calendar_holds_the_district_s_events(app, login_as, clock):
    world = school_with_families()
    add_event(world, title="Math Night")
    district_admin = make_user(Role.ADMINISTRATOR, None,
                               district_id=f.make_district("Valley", world.school).id)
    db.session.commit()
    assert "Math Night" in login_as(district_admin).get("/events/").get_data(as_text=True)
