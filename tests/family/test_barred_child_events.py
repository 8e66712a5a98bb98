"""A child whose link forbids information is never named in a guardian's event lists."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.people.models import StudentGuardian
from tests.family.helpers import invite_to_event, make_families


@pytest.fixture
def barred_sibling(app):
    """Ana may hear about Maya but no longer about Leo; both have an event this week."""
    families = make_families()
    invite_to_event(families.guardian, families.child, "Maya's science fair")
    invite_to_event(families.guardian, families.sibling, "Leo's concert")
    invite_to_event(families.guardian, None, "Family picnic")
    link = db.session.scalar(select(StudentGuardian).where(
        StudentGuardian.guardian_id == families.guardian.id,
        StudentGuardian.student_id == families.sibling.id))
    link.may_receive_information = False
    db.session.commit()
    return families


@pytest.mark.parametrize("page", ["/family/", "/family/events", "child"])
def test_event_lists_never_mention_the_barred_child(barred_sibling, login_as, page):
    families = barred_sibling
    url = f"/family/children/{families.child.id}" if page == "child" else page
    html = login_as(families.parent).get(url).get_data(as_text=True)
    assert "Maya&#39;s science fair" in html
    assert "Leo&#39;s concert" not in html and "Leo Lopez" not in html


def test_the_home_page_events_tile_lists_exactly_the_allowed_events(barred_sibling, login_as):
    html = login_as(barred_sibling.parent).get("/family/").get_data(as_text=True)
    tile = html.split("Coming up")[1].split("All events and conferences")[0]
    titles = [part.split("</bdi></strong>")[0] for part in tile.split("<strong><bdi>")[1:]]
    assert sorted(titles) == ["Family picnic", "Maya&#39;s science fair"]
