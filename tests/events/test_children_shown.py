"""Event pages name only the children the viewer may see, not every child of a visible family."""

from datetime import datetime

from portal.extensions import db
from tests.events.helpers import add_event, make_family, school_with_families


def _world_with_past_event():
    """Ben's teacher (other_teacher) sees Marta, whose other child Ann is not theirs."""
    world = school_with_families()
    world.event = add_event(world, title="Back to school", starts_local=datetime(2026, 9, 10, 18),
                            ends_local=datetime(2026, 9, 10, 20))
    # Added after the invitations went out: a walk-in candidate with one child of each teacher.
    _user, world.walker = make_family(world.school, world.ben, world.cleo,
                                      first_name="Wanda", last_name="Walker")
    db.session.commit()
    return world


def _only_ben(page: str, world) -> None:
    assert "Ben Novak" in page
    assert "Ann Novak" not in page and f"/students/{world.ann.id}" not in page
    assert "Cleo Diaz" not in page and f"/students/{world.cleo.id}" not in page


def test_the_event_page_lists_only_the_viewers_students_of_each_family(app, login_as):
    world = _world_with_past_event()
    page = login_as(world.other_teacher).get(f"/events/{world.event.id}").get_data(as_text=True)
    assert "Marta Novak" in page
    _only_ben(page, world)


def test_the_check_in_page_lists_only_the_viewers_students_also_for_walk_ins(app, login_as):
    world = _world_with_past_event()
    client = login_as(world.other_teacher)
    page = client.get(f"/events/{world.event.id}/check-in").get_data(as_text=True)
    assert "Marta Novak" in page
    _only_ben(page, world)
    walk_in = client.get(f"/events/{world.event.id}/check-in?q=walker").get_data(as_text=True)
    assert "Wanda Walker" in walk_in and "walk-in" in walk_in
    _only_ben(walk_in, world)


def test_searching_by_a_child_the_viewer_may_not_see_finds_no_family(app, login_as):
    world = _world_with_past_event()
    client = login_as(world.other_teacher)
    page = client.get(f"/events/{world.event.id}/check-in?q=ann").get_data(as_text=True)
    assert "Marta Novak" not in page
    page = client.get(f"/events/{world.event.id}/check-in?q=ben").get_data(as_text=True)
    assert "Marta Novak" in page  # the same family, found through the viewer's own student


def test_the_figures_page_links_only_the_viewers_students(app, login_as):
    world = _world_with_past_event()
    page = login_as(world.other_teacher).get("/events/figures").get_data(as_text=True)
    nothing = page.split("came to nothing")[1]
    assert "Marta Novak" in nothing and f"/students/{world.ben.id}" in nothing
    _only_ben(nothing, world)


def test_an_administrator_still_sees_every_child_of_the_school(app, login_as):
    world = _world_with_past_event()
    page = login_as(world.admin).get(f"/events/{world.event.id}").get_data(as_text=True)
    assert "Ann Novak, Ben Novak" in page and "Cleo Diaz" in page
