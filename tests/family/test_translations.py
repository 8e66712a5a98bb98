"""The family pages in the guardian's language."""

from portal.extensions import db
from portal.messaging.services import notify_guardian
from tests.family.helpers import make_families
from tests.messaging.helpers import school_with_families

# Every catalogue's completeness: tests/core/test_translations.py.


def test_spanish_guardian_sees_the_family_home_in_spanish(app, login_as):
    families = make_families()
    families.parent.preferred_language = "es"
    db.session.commit()
    html = login_as(families.parent).get("/family/").get_data(as_text=True)
    assert '<html lang="es" dir="ltr">' in html
    for spanish in ("Mis hijos", "Asistencia este período", "Contactar con la escuela",
                    "Cerrar sesión", "Portal escolar"):
        assert spanish in html
    assert "My children" not in html


def test_french_guardian_sees_their_childs_page_in_french(app, login_as):
    families = make_families()
    families.parent.preferred_language = "fr"
    db.session.commit()
    html = login_as(families.parent).get(f"/family/children/{families.child.id}").get_data(
        as_text=True)
    assert "Programmes et activités" in html and "Pas encore de notes." in html


def test_a_too_long_message_names_its_limit_in_the_guardians_way_of_writing_numbers(
        app, login_as):
    """WTForms filled "%(max)d" itself: "5000" in German, where 5.000 is written."""
    families = make_families()
    families.parent.preferred_language = "de"
    db.session.commit()
    response = login_as(families.parent).post("/family/requests/new", data={
        "kind": "question", "student_id": "", "subject": "B" * 201, "body": "x" * 5001})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Die Nachricht darf höchstens 5.000 Zeichen haben." in page
    assert "Der Betreff darf höchstens 200 Zeichen haben." in page


def test_a_too_long_inbox_reply_names_its_limit_in_the_guardians_language(app, login_as):
    """The inbox reply kept WTForms' own English message, "5000" unseparated."""
    world = school_with_families()
    world.mum.user.preferred_language = "de"
    thread = notify_guardian(guardian=world.mum, kind="general", subject="Trip",
                             body_text="Lunch.", student=world.ben, sender=world.teacher)
    db.session.commit()
    response = login_as(world.mum.user).post(f"/family/inbox/{thread.id}/reply",
                                             data={"body": "x" * 5001})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Die Antwort darf höchstens 5.000 Zeichen haben." in page
    assert "Field cannot be longer" not in page
