"""Wherever staff choose a student or a guardian, namesakes can be told apart."""

import re
from datetime import date

from portal.auth.models import Role
from portal.extensions import db
from portal.privacy.services import deactivate
from tests.events.helpers import add_event, school_with_families
from tests.factories import link, make_guardian, make_school, make_student, make_user


def _two_diegos(school):
    return [make_student(school, first_name="Diego", last_name="Castillo", grade_level=12,
                         external_id=number, date_of_birth=born)
            for number, born in (("S-101", date(2008, 5, 1)), ("S-202", date(2008, 9, 9)))]


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_campaign_student_picker_shows_grade_number_and_birth_date(app, login_as):
    school = make_school()
    admin = make_user(Role.ADMINISTRATOR, school)
    _two_diegos(school)
    db.session.commit()
    page = login_as(admin).get("/messaging/campaigns/new").get_data(as_text=True)
    diegos = [option for option in _options(page, "student_ids") if "Diego" in option]
    assert len(diegos) == 2 and len(set(diegos)) == 2
    assert all("grade 12" in option for option in diegos)
    assert "S-101" in diegos[0] and "S-202" in diegos[1]


def test_the_contact_form_names_each_guardians_relationship_and_household(app, login_as):
    school = make_school()
    admin = make_user(Role.ADMINISTRATOR, school)
    child = _two_diegos(school)[0]
    for household in ("Calle Mayor", "Avenida Sol"):
        link(child, make_guardian(school, first_name="Ana", last_name="Castillo"),
             relationship_kind="mother" if household == "Calle Mayor" else "grandparent",
             household=household)
    db.session.commit()
    page = login_as(admin).get(f"/students/{child.id}").get_data(as_text=True)
    anas = [option for option in _options(page, "guardian_ids") if "Ana Castillo" in option]
    assert len(set(anas)) == 2
    assert any("mother" in a and "Calle Mayor" in a for a in anas)
    assert any("grandparent" in a and "Avenida Sol" in a for a in anas)


def test_check_in_offers_no_inactive_family_and_names_the_childrens_grades(app, login_as):
    world = school_with_families()
    event = add_event(world, audience={"grade_levels": [10]})
    client = login_as(world.admin)
    page = client.get(f"/events/{event.id}/check-in?q=cleo").get_data(as_text=True)
    assert "Dora Diaz" in page and "Cleo Diaz (grade 9)" in page
    deactivate(record=world.diaz, actor=world.admin, reason="moved away")
    db.session.commit()
    assert "Dora Diaz" not in client.get(f"/events/{event.id}/check-in?q=cleo").get_data(
        as_text=True)


def test_a_guardian_whose_link_ended_is_no_longer_offered_for_a_new_contact(app, login_as):
    school = make_school()
    admin = make_user(Role.ADMINISTRATOR, school)
    child = make_student(school)
    ended = link(child, make_guardian(school, first_name="Former", last_name="Carer"))
    link(child, make_guardian(school, first_name="Current", last_name="Carer"))
    deactivate(record=ended, actor=admin, reason="custody changed")
    db.session.commit()
    page = login_as(admin).get(f"/students/{child.id}").get_data(as_text=True)
    offered = _options(page, "guardian_ids")
    assert any("Current Carer" in option for option in offered)
    assert not any("Former Carer" in option for option in offered)
    assert "link ended" in page  # the history stays visible on the profile
