"""The default settings put a workable share of the demo school on the lists.

The ranges are documented in docs/evaluation.md, "Default settings and list sizes".
"""

from datetime import date

import pytest

from portal import create_app
from portal.demo.school import load_demo_school
from portal.extensions import db
from portal.people.models import School
from portal.risk.scoring import DEFAULT_SETTINGS
from portal.risk.services import preview_levels
from tests.conftest import config_for, empty_all_tables

DEMO_DAY = date(2026, 11, 25)
LIST_RANGE = (0.10, 0.20)  # watch or high, of active students: the ABC research's off-track share
HIGH_RANGE = (0.01, 0.05)  # the small, urgent part of it


@pytest.fixture(scope="module")
def demo_levels(database_url):
    """Load the demo school once and count its students per level under the defaults."""
    app = create_app(config_for(database_url))
    with app.app_context():
        load_demo_school(today=DEMO_DAY)
        db.session.commit()
        school = db.session.scalars(db.select(School)).one()
        yield preview_levels(school=school, settings=DEFAULT_SETTINGS, today=DEMO_DAY)
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


def test_the_defaults_put_10_to_20_percent_on_the_lists_and_few_of_them_high(demo_levels):
    students = sum(demo_levels.values())
    assert students == 300
    listed = demo_levels["watch"] + demo_levels["high"]
    assert LIST_RANGE[0] <= listed / students <= LIST_RANGE[1], demo_levels
    assert HIGH_RANGE[0] <= demo_levels["high"] / students <= HIGH_RANGE[1], demo_levels
    assert demo_levels["high"] < demo_levels["watch"] / 2, demo_levels
