"""Saved audiences are listed and opened only by those who could choose them: every school an
audience spans is one the user works in. A district administrator's audience of several
schools is not offered to one school's administrator or teacher, and opening it, or another
school's audience, by id is 404 (as other schools' records), not its filters prefilled."""

import pytest

from portal.extensions import db
from portal.messaging.audience import saved_segments
from portal.messaging.campaigns import save_segment
from tests.people.helpers import class_options, district


@pytest.fixture
def valley(app):
    """Return the district() world with three saved audiences: the district's (north and
    south, filed under north), north's own and south's own."""
    world = district()
    world.district_wide = save_segment(school=world.north, author=world.admin, name="Valley",
                                       criteria={"school_ids": [world.north.id, world.south.id]})
    world.north_own = save_segment(school=world.north, author=world.north_admin, name="North",
                                   criteria={"grade_levels": [9]})
    world.south_own = save_segment(school=world.south, author=world.south_admin, name="South",
                                   criteria={"grade_levels": [9]})
    db.session.commit()
    return world


def _listed(user) -> set[int]:
    return {segment.id for segment in saved_segments(user)}


def test_a_schools_staff_are_not_offered_a_district_wide_audience(valley, login_as):
    for user in (valley.north_admin, valley.north_teacher):
        assert _listed(user) == {valley.north_own.id}
        page = login_as(user).get("/messaging/campaigns/new")
        assert class_options(page, "segment_id") == {0, valley.north_own.id}
    assert _listed(valley.admin) == {valley.district_wide.id, valley.north_own.id}


def test_opening_an_audience_one_could_not_choose_is_not_found(valley, login_as):
    for user in (valley.north_admin, valley.north_teacher):
        client = login_as(user)
        for segment in (valley.district_wide, valley.south_own):
            opened = client.get(f"/messaging/campaigns/new?segment_id={segment.id}")
            assert opened.status_code == 404
        own = client.get(f"/messaging/campaigns/new?segment_id={valley.north_own.id}")
        assert own.status_code == 200
        assert f'<option selected value="{valley.north_own.id}">North' in own.get_data(
            as_text=True)
    district = login_as(valley.admin).get(
        f"/messaging/campaigns/new?segment_id={valley.district_wide.id}")
    assert district.status_code == 200
    assert login_as(valley.admin).get(
        "/messaging/campaigns/new?segment_id=999999").status_code == 404
