"""Event figures of a district's administrator: every school of the district, or one of them
(a school filter, as on the dashboards), never another district's."""

import re
from datetime import date, datetime

from sqlalchemy import select

from portal.events.checkin import check_in
from portal.events.history import attending_shares, school_years
from portal.events.models import ConferenceSlot, EventAttendance, SlotStatus
from portal.events.services import create_event
from portal.extensions import db
from portal.people.models import AcademicTerm
from tests import factories as f
from tests.events.helpers import add_event, details, school_with_families
from tests.people.helpers import district

BACK_TO_SCHOOL = {"title": "Back to school", "starts_local": datetime(2026, 9, 10, 18),
                  "ends_local": datetime(2026, 9, 10, 20)}


def _world():
    valley = district()
    for name in ("north", "south", "elsewhere"):
        school, admin = getattr(valley, name), getattr(valley, f"{name}_admin")
        for title in ("Back to school", "Open house"):
            event = create_event(actor=admin, school=school, details=details(
                **{**BACK_TO_SCHOOL, "title": title}))
        if name == "north":  # north's first family came to one of the two
            check_in(actor=admin, event=event, guardian_id=valley.guardians["north"][0].id)
    db.session.commit()
    return valley


def _listed(client, query=""):
    response = client.get(f"/events/figures{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page, set(re.findall(r"<li><strong>([^<]+)</strong>", page))


def _names(guardians) -> set[str]:
    return {guardian.display_name for guardian in guardians}


def test_a_district_administrator_sees_every_school_or_the_one_chosen(app, login_as):
    valley = _world()
    client = login_as(valley.admin)
    page, names = _listed(client)
    assert names == _names(valley.guardians["north"][1:] + valley.guardians["south"])
    assert 'name="school_id"' in page and "invited 2 times" in page
    page, names = _listed(client, f"?school_id={valley.south.id}")
    assert names == _names(valley.guardians["south"])
    assert "(2 guardians)" in page
    _, names = _listed(client, f"?school_id={valley.north.id}")
    assert names == _names(valley.guardians["north"][1:])
    for hostile in (valley.elsewhere.id, 2147483647, -1):
        assert client.get(f"/events/figures?school_id={hostile}").status_code in (400, 404)


def test_a_school_administrator_sees_their_school_without_a_filter(app, login_as):
    valley = _world()
    page, names = _listed(login_as(valley.north_admin))
    assert names == _names(valley.guardians["north"][1:])
    assert 'name="school_id"' not in page


def test_the_pages_keep_the_school_chosen(app, login_as, monkeypatch):
    from portal.events import history, report_routes

    for module in (history, report_routes):
        monkeypatch.setattr(module, "FAMILIES_PER_PAGE", 1)
    valley = _world()
    page, _ = _listed(login_as(valley.admin), f"?school_id={valley.south.id}")
    assert f'href="/events/figures?page=2&amp;school_id={valley.south.id}"' in page


def test_one_invitation_is_said_once_and_upcoming_events_are_not_counted(app, login_as):
    valley = district()
    create_event(actor=valley.south_admin, school=valley.south, details=details(**BACK_TO_SCHOOL))
    create_event(actor=valley.south_admin, school=valley.south, details=details())  # in March
    db.session.commit()
    page, _ = _listed(login_as(valley.south_admin))
    assert "invited 1 time" in page and "invited 1 times" not in page


def test_a_family_invited_twice_is_one_family_invited(app, login_as):
    """Two evenings of the same kind: two families invited (not four invitations), each
    invited twice, Marta once for her two children (and in each of their grades)."""
    world = school_with_families()
    for day in (10, 17):
        add_event(world, title="Back to school", starts_local=datetime(2026, 9, day, 18),
                  ends_local=datetime(2026, 9, day, 20))
    shares = attending_shares(school_years([world.school]))
    assert [(row["key"], row["invited"]) for row in shares["by_kind"]] == [("school_event", 2)]
    assert [(row["key"], row["invited"]) for row in shares["by_grade"]] == [(9, 2), (10, 1)]
    page, names = _listed(login_as(world.admin))
    assert names == {"Marta Novak", "Dora Diaz"} and page.count("invited 2 times") == 2


def test_a_family_who_met_a_teacher_at_a_conference_came(app, login_as):
    """A held conference counts as coming; a pupil alone, checked in or met, for no one."""
    world = school_with_families()
    event = add_event(world, title="Back to school", starts_local=datetime(2026, 9, 10, 18),
                      ends_local=datetime(2026, 9, 10, 20))
    db.session.add(ConferenceSlot(event_id=event.id, staff_id=world.teacher.id,
                                  starts_at=datetime(2026, 10, 1, 22),
                                  ends_at=datetime(2026, 10, 1, 22, 15), status=SlotStatus.HELD,
                                  student_id=world.cleo.id, guardian_id=world.diaz.id))
    db.session.add(ConferenceSlot(event_id=event.id, staff_id=world.other_teacher.id,
                                  starts_at=datetime(2026, 10, 1, 22),
                                  ends_at=datetime(2026, 10, 1, 22, 15), status=SlotStatus.HELD,
                                  student_id=world.ben.id))  # held with the pupil alone
    db.session.add(EventAttendance(event_id=event.id, student_id=world.ben.id,  # alone
                                   checked_in_at=datetime(2026, 9, 10, 22)))
    db.session.commit()
    assert _listed(login_as(world.admin))[1] == {"Marta Novak"}


def test_each_school_counts_its_own_year_from_its_current_term(app):
    """A school's year is its current term (up to today once the term is over), or the last
    365 days without one; a term yet to start, or an older one, is not it."""
    now, older, over, none = (f.make_school(name) for name in ("Now", "Older", "Over", "None"))
    f.make_term(now, starts_on=date(2027, 9, 1), ends_on=date(2028, 6, 15))  # next year's
    f.make_term(now)  # 2026-09-01 to 2027-06-15, today's
    f.make_term(older, starts_on=date(2025, 9, 1), ends_on=date(2026, 6, 15))
    f.make_term(older)
    f.make_term(over, starts_on=date(2025, 9, 1), ends_on=date(2026, 6, 15))
    db.session.commit()
    years = {school_id: (starts.date(), ends.date())
             for school_id, starts, ends in school_years([now, older, over, none])}
    assert years == {now.id: (date(2026, 9, 1), date(2027, 6, 16)),
                     older.id: (date(2026, 9, 1), date(2027, 6, 16)),
                     over.id: (date(2025, 9, 1), date(2026, 11, 26)),
                     none.id: (date(2025, 11, 25), date(2026, 11, 26))}


def test_each_school_counts_only_its_own_year_when_the_schools_differ(app):
    """Two schools read together, one whose year began in January and one in September: a
    March workshop counts for the first, not for the second."""
    january, september = school_with_families(), school_with_families()
    for term in db.session.scalars(select(AcademicTerm).where(
            AcademicTerm.school_id == january.school.id)):
        term.starts_on = date(2026, 1, 5)
    db.session.commit()
    for world in (january, september):
        add_event(world, title="Back to school", starts_local=datetime(2026, 10, 1, 18),
                  ends_local=datetime(2026, 10, 1, 20))
        add_event(world, title="Reading at home", kind="parent_workshop",
                  starts_local=datetime(2026, 3, 10, 18), ends_local=datetime(2026, 3, 10, 20))
    shares = attending_shares(school_years([january.school, september.school]))
    assert {row["key"]: row["invited"] for row in shares["by_kind"]} == {
        "parent_workshop": 2, "school_event": 4}


def test_the_shares_count_each_family_once_a_grade_and_kind_and_who_came_to_that_event(app):
    """Marta (Ann in grade 9, Ben in 10) came to both evenings, Dora to the workshop: in grade
    9 both came to something, in grade 10 Marta did; by kind, one family of two came to each.
    Walking in uninvited, or an event still to come, counts for no share."""
    world = school_with_families()
    evening = add_event(world, title="Back to school", starts_local=datetime(2026, 9, 10, 18),
                        ends_local=datetime(2026, 9, 10, 20))
    workshop = add_event(world, title="Reading at home", kind="parent_workshop",
                         starts_local=datetime(2026, 10, 1, 18),
                         ends_local=datetime(2026, 10, 1, 20))
    open_house = add_event(world, title="Open house", starts_local=datetime(2026, 10, 8, 18),
                           ends_local=datetime(2026, 10, 8, 20))
    later = add_event(world, title="Science fair")  # in March: not yet held
    for came in (evening, open_house):  # one family coming twice is one family who came
        check_in(actor=world.admin, event=came, guardian_id=world.marta.id)
    check_in(actor=world.admin, event=workshop, guardian_id=world.diaz.id)
    check_in(actor=world.admin, event=later, guardian_id=world.diaz.id)
    db.session.add(EventAttendance(event_id=workshop.id, guardian_id=world.barred.id,
                                   is_walk_in=True, checked_in_at=datetime(2026, 10, 1, 22)))
    db.session.commit()
    shares = attending_shares(school_years([world.school]))
    rows = {name: [(row["key"], row["invited"], row["attended"], row["share"])
                   for row in shares[name]] for name in ("by_grade", "by_kind")}
    assert rows == {"by_grade": [(9, 2, 2, 100), (10, 1, 1, 100)],
                    "by_kind": [("parent_workshop", 2, 1, 50), ("school_event", 2, 1, 50)]}
