"""Event figures by grade count a family in every grade they have a child in."""

from datetime import datetime

from portal.events.checkin import check_in
from portal.events.history import attending_shares, school_years
from portal.extensions import db
from tests.events.helpers import add_event, school_with_families


def test_a_family_with_children_in_two_grades_counts_in_each(app, login_as):
    world = school_with_families()  # Marta: Ann (grade 9) and Ben (10); Dora: Cleo (9)
    event = add_event(world, title="Back to school", starts_local=datetime(2026, 9, 10, 18),
                      ends_local=datetime(2026, 9, 10, 20))
    check_in(actor=world.admin, event=event, guardian_id=world.marta.id)
    db.session.commit()
    by_grade = {row["key"]: (row["invited"], row["attended"])
                for row in attending_shares(school_years([world.school]))["by_grade"]}
    assert by_grade == {9: (2, 1), 10: (1, 1)}
    by_kind = attending_shares(school_years([world.school]))["by_kind"]
    assert [(row["invited"], row["attended"]) for row in by_kind] == [(2, 1)]  # once each
    page = login_as(world.admin).get("/events/figures").get_data(as_text=True)
    assert "counted in each grade they have a child in" in page
