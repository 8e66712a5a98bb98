"""The "Attendance and grades" list of classes: by course and name, and for a district's
administrator one school at a time (the district has thousands of classes)."""

import re

from portal.extensions import db
from tests import factories as f
from tests.people.helpers import district


def _classes(client, query: str = "") -> list[str]:
    response = client.get(f"/outcomes/{query}")
    assert response.status_code == 200
    return re.findall(r"<li><strong>([^<]+)</strong>", response.get_data(as_text=True))


def test_a_district_administrator_chooses_a_school_before_its_classes_are_listed(app,
                                                                                  login_as):
    valley = district()
    client = login_as(valley.admin)
    page = client.get("/outcomes/").get_data(as_text=True)
    assert _classes(client) == [] and "Choose a school to see its classes." in page
    assert 'name="school_id"' in page
    assert _classes(client, f"?school_id={valley.south.id}") == [valley.south_class.name]
    assert client.get(f"/outcomes/?school_id={valley.elsewhere.id}").status_code == 404


def test_a_school_lists_its_classes_by_course_then_name_without_a_school_filter(app,
                                                                                login_as):
    valley = district()
    history = f.make_section(valley.north, valley.north_teacher, subject="History")
    art = f.make_section(valley.north, None, subject="Art")
    db.session.commit()
    client = login_as(valley.north_admin)
    page = client.get("/outcomes/").get_data(as_text=True)
    assert 'name="school_id"' not in page
    assert _classes(client) == [art.name, history.name, valley.north_class.name]  # Mathematics
    assert client.get(f"/outcomes/?school_id={valley.south.id}").status_code == 404
    assert _classes(login_as(valley.north_teacher)) == [history.name, valley.north_class.name]
