"""Wherever staff choose a student or a guardian, namesakes can be told apart."""

import re
from datetime import date

from portal.auth.models import Role
from portal.extensions import db
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
