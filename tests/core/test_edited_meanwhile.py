"""An edit made on a form filled in before someone changed the record does not undo their
change unseen (two colleagues, or two tabs): it is refused, and the form shows the record as
it is now (portal/people/changes.py, check_unchanged_since)."""

import re

import pytest
from sqlalchemy import func, select

from portal.core.time import to_local
from portal.events.models import Event
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.messaging.campaigns import variants_of
from portal.messaging.models import Campaign, Message
from portal.needs.models import Need
from portal.outcomes.models import Intervention, Program
from portal.risk.services import current_rule_set
from tests.events import helpers as events_helpers
from tests.events.helpers import add_event, school_with_families
from tests.messaging.test_campaign_send_once import COMPOSE, _composed_by_admin
from tests.people.helpers import classroom
from tests.test_hostile_input import Forms

MESSAGE = "Someone changed this after you opened it."


def _seen(page: str) -> str:
    return re.search(r'name="seen" type="hidden" value="([^"]*)"', page).group(1)


def _need_form(need: Need, **changes) -> dict:
    return {"kind": need.kind, "title": need.title, "details": need.details or "",
            "status": need.status, "owner_id": str(need.owner_id or ""), "due_on": "",
            "visibility": need.visibility, **changes}


def _room_with_a_need():
    room = classroom()
    need = Need(student_id=room.student.id, kind="health", title="Inhaler", status="open",
                owner_id=room.teacher.id, created_by_id=room.teacher.id, visibility="staff")
    db.session.add(need)
    db.session.commit()
    return room, need


def test_a_colleague_s_change_is_not_undone_by_a_form_filled_before_it(app, login_as):
    room, need = _room_with_a_need()
    url = f"/needs/{need.id}/edit"
    teacher = login_as(room.teacher)
    teachers_seen = _seen(teacher.get(url).get_data(as_text=True))
    stale = _need_form(need, details="Keeps it in the office", seen=teachers_seen)
    admin = login_as(room.admin)
    admins_seen = _seen(admin.get(url).get_data(as_text=True))
    assert admin.post(url, data=_need_form(need, status="in_progress",
                                           seen=admins_seen)).status_code == 302
    teacher = login_as(room.teacher)
    refused = teacher.post(url, data=stale)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and MESSAGE in page
    db.session.expire_all()
    need = db.session.get(Need, need.id)
    assert need.status == "in_progress" and not need.details  # the colleague's change kept
    assert re.search(r'<option selected value="in_progress"|value="in_progress" selected', page)
    again = teacher.post(url, data=_need_form(need, details="Keeps it in the office",
                                              seen=_seen(page)))
    assert again.status_code == 302
    db.session.expire_all()
    need = db.session.get(Need, need.id)
    assert (need.status, need.details) == ("in_progress", "Keeps it in the office")


def test_the_same_plan_saved_from_two_tabs_keeps_the_first_and_says_so(app, login_as):
    room = classroom()
    client = login_as(room.teacher)
    plan_form = {"reason": "Absences", "goal": "Come every day", "owner_id": str(room.teacher.id),
                 "visibility": "staff"}
    client.post(f"/outcomes/students/{room.student.id}/interventions/new", data=plan_form)
    plan = db.session.scalar(select(Intervention))
    url = f"/outcomes/interventions/{plan.id}/edit"
    first_tab, second_tab = (_seen(client.get(url).get_data(as_text=True)) for _ in range(2))
    assert first_tab == second_tab
    assert client.post(url, data={**plan_form, "goal": "Come on Mondays",
                                  "seen": first_tab}).status_code == 302
    refused = client.post(url, data={**plan_form, "goal": "Come on Fridays", "seen": second_tab})
    assert refused.status_code == 409 and MESSAGE in refused.get_data(as_text=True)
    assert "Come on Mondays" in refused.get_data(as_text=True)  # the form as it is now
    db.session.expire_all()
    assert db.session.get(Intervention, plan.id).goal == "Come on Mondays"


def test_an_edit_without_the_form_s_version_is_saved_as_before(app, login_as):
    """A client of its own that sends no `seen` is not checked (nothing to compare)."""
    room, need = _room_with_a_need()
    response = login_as(room.teacher).post(f"/needs/{need.id}/edit",
                                           data=_need_form(need, status="resolved"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Need, need.id).status == "resolved"


def test_a_contact_edited_in_two_tabs_keeps_the_first_edit(app, login_as):
    room = classroom()
    client = login_as(room.teacher)
    contact = {"channel": "phone", "direction": "outbound", "occurred_at": "2026-11-24T10:00",
               "summary": "Called about the trip", "outcome": "reached", "visibility": "staff",
               "staff_ids": [str(room.teacher.id)]}
    assert client.post(f"/interactions/new/{room.student.id}", data=contact).status_code == 302
    interaction = db.session.scalar(select(Interaction))
    url = f"/interactions/{interaction.id}/edit"
    first_tab, second_tab = (_seen(client.get(url).get_data(as_text=True)) for _ in range(2))
    assert client.post(url, data={**contact, "summary": "Called: they will come",
                                  "seen": first_tab}).status_code == 302
    refused = client.post(url, data={**contact, "summary": "Called: no answer",
                                     "seen": second_tab})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and MESSAGE in page
    assert "Called: they will come" in page and 'value="2026-11-24T10:00"' in page
    db.session.expire_all()
    assert db.session.get(Interaction, interaction.id).summary == "Called: they will come"


def test_an_event_moved_by_a_colleague_is_not_moved_back_by_a_stale_form(app, login_as):
    """Two administrators edit the same evening; the second's form, filled in before the
    first moved it, would have put the old time back and told every family the old time as
    the new one. It is refused; the families heard of the one change."""
    world = school_with_families()
    event = add_event(world)
    url = f"/events/{event.id}/edit"
    first = login_as(world.admin)
    page = first.get(url).get_data(as_text=True)
    (form,) = [form for form in Forms(page).forms if "title" in form.values]
    second_admin = events_helpers.make_user("administrator", world.school)
    db.session.commit()
    second = login_as(second_admin)
    stale = [form for form in Forms(second.get(url).get_data(as_text=True)).forms
             if "title" in form.values][0].values
    first = login_as(world.admin)
    assert first.post(url, data={**form.values, "starts_at": "2027-03-10T19:00",
                                 "ends_at": "2027-03-10T21:00"}).status_code == 302
    told = db.session.scalar(select(func.count()).select_from(Message))
    assert told > 0  # the families were told of the new time
    second = login_as(second_admin)
    refused = second.post(url, data={**stale, "location": "Library"})
    assert refused.status_code == 409 and MESSAGE in refused.get_data(as_text=True)
    assert 'value="2027-03-10T19:00"' in refused.get_data(as_text=True)
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.location == "Gym"
    assert to_local(event.starts_at, world.school.timezone).hour == 19  # as the first moved it
    assert db.session.scalar(select(func.count()).select_from(Message)) == told


def test_a_draft_corrected_in_one_tab_is_not_put_back_by_another(app, login_as):
    """The draft's body corrected in one tab; the other tab's form, filled in before, would
    have put the mistake back and sent it to every family."""
    _world, client, campaign_id = _composed_by_admin(login_as)
    url = f"/messaging/campaigns/{campaign_id}/edit"
    tabs = [_seen(client.get(url).get_data(as_text=True)) for _ in range(2)]
    assert tabs[0] and tabs[0] == tabs[1]
    corrected = client.post(url, data={**COMPOSE, "body_en": "The trip is on Saturday.",
                                       "seen": tabs[0]})
    assert corrected.status_code == 302  # an unchanged draft's version holds
    refused = client.post(url, data={**COMPOSE, "title": "Trip (again)", "seen": tabs[1]})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and MESSAGE in page and "on Saturday" in page
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign_id)
    assert campaign.title == "Trip"
    assert [variant.body for variant in variants_of(campaign)] == ["The trip is on Saturday."]


def _program(room) -> str:
    program = Program(school_id=room.school.id, name="Chess", kind="club")
    db.session.add(program)
    db.session.commit()
    return f"/outcomes/programs/{program.id}/edit"


# Administrators' pages of settings: (url, or how to make it; the field one tab changes, its
# value; the field the other tab changes, its value; what the first change left, read back).
SETTINGS = {
    "school settings": ("/settings/school", ("name", "Lincoln High"),
                        ("pass_mark_percent", "60"), lambda room: room.school.name),
    "family message settings": ("/messaging/settings", ("nudge_repeat_days", "30"),
                                ("weekly_message_cap", "5"),
                                lambda room: room.school.nudge_repeat_days),
    "a program": (_program, ("name", "Chess club"), ("kind", "sport"),
                  lambda room: db.session.scalar(select(Program)).name),
    "early-warning settings": ("/risk/settings", ("high_score", "60.0"), ("watch_score", "5.0"),
                               lambda room: current_rule_set(room.school).settings["high_score"]),
}


@pytest.mark.parametrize("page_name", list(SETTINGS))
def test_settings_saved_in_one_tab_are_not_put_back_by_another(app, login_as, page_name):
    """Two administrators (or two tabs) open the same settings; the second's form, filled
    in before the first saved, would have put every value it shows back. It is refused, the
    form shows the settings as they are now, and sent again from there it is saved."""
    make_url, (field, value), (other_field, other_value), saved = SETTINGS[page_name]
    room = classroom()
    url = make_url(room) if callable(make_url) else make_url
    client = login_as(room.admin)

    def form_on(page: str) -> dict:  # as its save button sends it (not "preview")
        values = next(form for form in Forms(page).forms if field in form.values).values
        return {name: value for name, value in values.items() if name != "preview"}

    first, second = (form_on(client.get(url).get_data(as_text=True)) for _ in range(2))
    assert first["seen"] and first["seen"] == second["seen"]
    assert client.post(url, data={**first, field: value}).status_code == 302
    refused = client.post(url, data={**second, other_field: other_value})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and MESSAGE in page
    db.session.expire_all()
    assert str(saved(room)) == value  # the first tab's change kept
    assert form_on(page)[field] == value  # the form shows the settings as they are now
    again = client.post(url, data={**form_on(page), other_field: other_value})
    assert again.status_code == 302
    db.session.expire_all()
    assert str(saved(room)) == value
