"""The family pages in the guardian's language, with every family-facing string translated."""

import pytest
from babel.messages.pofile import read_po

from portal.extensions import db
from tests.conftest import TRANSLATIONS
from tests.family.helpers import make_families

FAMILY_FACING = ("templates/family/", "portal/family/", "templates/auth/", "templates/base.html",
                 "templates/errors/", "templates/email/", "portal/auth/", "portal/core/errors.py",
                 "portal/messaging/unsubscribe.py", "portal/messaging/digest.py",
                 "portal/messaging/automatic.py", "templates/messaging/unsubscribe.html",
                 "templates/notifications/", "portal/events/answer_links.py")
STAFF_ONLY = ("templates/family/_staff_panel.html", "portal/family/staff_routes.py",
              "templates/auth/invite.html")


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


def _family_facing(message) -> bool:
    places = [path for path, _line in message.locations]
    return any(p.startswith(FAMILY_FACING) and not p.startswith(STAFF_ONLY) for p in places)


@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_family_facing_string_is_translated(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as catalogue:
        messages = [m for m in read_po(catalogue) if m.id and _family_facing(m)]
    untranslated = [m.id for m in messages if not (all(m.string) if isinstance(m.string, tuple)
                                                   else m.string)]
    assert len(messages) > 150
    assert untranslated == []
