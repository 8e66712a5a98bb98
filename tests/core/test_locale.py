"""Which language a page is in: the user's choice, then the browser's, then the school's;
signed-out pages follow the link's language; Persian pages run right to left."""

import re

import pytest

from portal.auth.models import Role, User
from portal.auth.services import invite_user, request_password_reset
from portal.core.locale import language_of
from portal.extensions import db
from portal.messaging.models import Delivery, UpdateKind
from portal.messaging.unsubscribe import unsubscribe_url
from tests import factories as f


def _lang_and_dir(html: str) -> tuple[str, str]:
    return re.search(r'<html lang="([^"]+)" dir="(\w+)">', html).groups()


def _teacher(language: str, school_language: str = "en") -> User:
    school = f.make_school(default_language=school_language)
    teacher = f.make_user(Role.TEACHER, school, preferred_language=language)
    db.session.commit()
    return teacher


def test_the_users_own_choice_wins_over_browser_and_school(app, login_as):
    client = login_as(_teacher("de", school_language="fr"))
    page = client.get("/notifications/", headers={"Accept-Language": "cs"})
    assert _lang_and_dir(page.get_data(as_text=True)) == ("de", "ltr")


@pytest.mark.parametrize(("header", "shown"), [
    ("cs-CZ,en;q=0.5", "cs"),  # a regional variant finds its language before the next choice
    ("pt-BR,hu;q=0.8,en;q=0.3", "hu"),  # a language the portal lacks is skipped
    ("zh-CN,zh;q=0.9", "zh-Hans"),
    ("fa-IR", "fa"),
])
def test_without_a_choice_the_browsers_language_is_used(app, login_as, header, shown):
    client = login_as(_teacher("", school_language="fr"))
    page = client.get("/notifications/", headers={"Accept-Language": header})
    assert _lang_and_dir(page.get_data(as_text=True))[0] == shown


@pytest.mark.parametrize("header", [None, "pt-BR,ja;q=0.5"])
def test_without_a_choice_or_a_known_browser_language_the_schools_default_is_used(
        app, login_as, header):
    client = login_as(_teacher("", school_language="fr"))
    page = client.get("/notifications/", headers={"Accept-Language": header} if header else {})
    assert _lang_and_dir(page.get_data(as_text=True))[0] == "fr"


def test_signed_out_pages_follow_the_links_language_then_the_browser(app, client):
    assert _lang_and_dir(client.get("/login?lang=fa").get_data(as_text=True)) == ("fa", "rtl")
    assert _lang_and_dir(client.get(
        "/reset-password", headers={"Accept-Language": "de-AT"}).get_data(as_text=True))[0] == "de"
    linked = client.get("/reset-password?lang=es", headers={"Accept-Language": "de"})
    assert _lang_and_dir(linked.get_data(as_text=True))[0] == "es"
    unknown = client.get("/login?lang=xx", headers={"Accept-Language": "hu"})
    assert _lang_and_dir(unknown.get_data(as_text=True))[0] == "hu"
    assert _lang_and_dir(client.get("/login").get_data(as_text=True))[0] == "en"


def test_a_signed_in_user_is_not_switched_by_a_links_language(app, login_as):
    client = login_as(_teacher("cs"))
    assert _lang_and_dir(client.get("/notifications/?lang=fa").get_data(as_text=True))[0] == "cs"


def test_the_reset_email_is_in_the_users_language_and_its_link_keeps_it(app, client):
    f.make_user(Role.GUARDIAN, None, email="rosa@example.org", preferred_language="es")
    db.session.commit()
    with app.test_request_context(headers={"Accept-Language": "de"}):
        request_password_reset(email="rosa@example.org")
        db.session.commit()
    delivery = db.session.query(Delivery).one()
    assert delivery.subject == "Restablezca la contraseña del portal escolar"
    link = re.search(r"http://\S+", delivery.body_text).group(0)
    assert link.endswith("?lang=es")
    page = client.get(link.replace("http://localhost", ""), headers={"Accept-Language": "de"})
    assert _lang_and_dir(page.get_data(as_text=True))[0] == "es"


@pytest.mark.parametrize(("language", "lang", "direction"), [
    ("fa", "fa", "rtl"), ("zh_Hans", "zh-Hans", "ltr"), ("hu", "hu", "ltr")])
def test_family_pages_say_their_language_and_direction(app, login_as, language, lang, direction):
    school = f.make_school()
    parent = f.make_user(Role.GUARDIAN, None, preferred_language=language)
    f.make_guardian(school, user=parent)
    db.session.commit()
    page = login_as(parent).get("/family/settings")
    html = page.get_data(as_text=True)
    assert _lang_and_dir(html) == (lang, direction)
    for code in ("cs", "de", "hu", "fa", "zh_Hans"):  # every language is offered
        assert f'<option value="{code}"' in html


def test_staff_choose_their_language_or_their_browsers(app, login_as):
    teacher = _teacher("en")
    client = login_as(teacher)
    assert client.post("/notifications/language",
                       data={"preferred_language": "zh_Hans"}).status_code == 302
    assert db.session.get(User, teacher.id).preferred_language == "zh_Hans"
    assert _lang_and_dir(client.get("/notifications/").get_data(as_text=True))[0] == "zh-Hans"
    client.post("/notifications/language", data={"preferred_language": ""})
    page = client.get("/notifications/", headers={"Accept-Language": "fa"})
    assert _lang_and_dir(page.get_data(as_text=True)) == ("fa", "rtl")
    refused = client.post("/notifications/language", data={"preferred_language": "xx"})
    assert refused.status_code == 400
    assert db.session.get(User, teacher.id).preferred_language == ""


def test_the_school_default_offers_every_language(app, login_as):
    school = f.make_school()
    admin = f.make_user(Role.ADMINISTRATOR, school)
    db.session.commit()
    html = login_as(admin).get("/settings/school").get_data(as_text=True)
    default = re.search(r'<select id="default_language".*?</select>', html, re.S).group(0)
    assert re.findall(r'value="(\w+)"', default) == ["en", "es", "fr", "cs", "de", "hu", "fa",
                                                     "zh_Hans"]


def test_the_unsubscribe_page_opens_in_the_guardians_language(app, client):
    school = f.make_school()
    guardian = f.make_guardian(school, preferred_language="cs")
    db.session.commit()
    with app.test_request_context():
        link = unsubscribe_url(guardian, UpdateKind.PROGRESS)
    assert link.endswith("?lang=cs")
    page = client.get(link.replace("http://localhost", ""), headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert _lang_and_dir(page.get_data(as_text=True))[0] == "cs"


def test_emails_go_out_in_the_users_choice_else_the_schools_language(app):
    spanish_school = f.make_school(default_language="es")
    undecided = f.make_user(Role.TEACHER, spanish_school, preferred_language="")
    decided = f.make_user(Role.TEACHER, spanish_school, preferred_language="de")
    nowhere = f.make_user(Role.GUARDIAN, None, preferred_language="")
    assert [language_of(user) for user in (undecided, decided, nowhere)] == ["es", "de", "en"]
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        invite_user(email="new@example.org", full_name="New Teacher", role=Role.TEACHER,
                    school_id=spanish_school.id, actor=None)
    db.session.commit()
    delivery = db.session.query(Delivery).one()
    assert delivery.subject == "Está invitado al portal escolar"
    assert "?lang=es" in delivery.body_text
