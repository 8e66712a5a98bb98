"""Families see their child's missing work on the child's page and in the weekly digest."""

from datetime import date, datetime

from portal.extensions import db
from portal.messaging.digest import digest_for
from portal.outcomes.models import WorkMark
from tests import factories as f
from tests.messaging.helpers import school_with_families


def _mark(world, student, name, status, due_on):
    period = world.term.grading_periods[1]
    db.session.add(WorkMark(student_id=student.id, section_id=world.section.id,
                            grading_period_id=period.id, assessment_name=name, status=status,
                            due_on=due_on))


def _world():
    world = school_with_families()
    world.term = f.make_term(world.school)
    _mark(world, world.ana, "Lab report", "missing", date(2026, 11, 20))
    _mark(world, world.ana, "Old worksheet", "missing", date(2026, 9, 15))
    _mark(world, world.ana, "Museum trip", "excused", date(2026, 11, 18))
    _mark(world, world.ana, "Essay", "late", date(2026, 11, 17))
    _mark(world, world.ana, "Future project", "missing", date(2026, 12, 10))
    _mark(world, world.ben, "Poster", "missing", date(2026, 11, 19))
    db.session.commit()
    return world


def test_the_childs_page_lists_the_terms_missing_work_only(app, login_as):
    world = _world()
    page = login_as(world.mum.user).get(f"/family/children/{world.ana.id}").get_data(as_text=True)
    assert 'id="missing-work"' in page
    assert "Lab report" in page and "Old worksheet" in page
    for absent in ("Museum trip", "Essay", "Future project", "Poster"):
        assert absent not in page


def test_no_missing_work_shows_no_notice(app, login_as):
    world = _world()
    page = login_as(world.mum.user).get(f"/family/children/{world.cara.id}").get_data(as_text=True)
    assert 'id="missing-work"' not in page


def test_the_digest_names_recent_missing_work_in_the_guardians_language(app):
    world = _world()
    _, text = digest_for(world.mum, [world.ana, world.ben], world.school,
                         datetime(2026, 11, 27, 17))
    assert "Lab report" in text and "20 nov 2026" in text and "Poster" in text
    assert "Trabajo pendiente" in text  # Maria reads Spanish
    for absent in ("Old worksheet", "Museum trip", "Essay", "Future project"):
        assert absent not in text
