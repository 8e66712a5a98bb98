"""Staff side: invite a guardian to the portal, and see who activated, signed in and read."""

import re
from datetime import datetime
from email.header import decode_header, make_header

from sqlalchemy import select

from portal.auth.models import Role, User
from portal.core.time import utcnow
from portal.extensions import db
from portal.family.services import invite_guardian
from portal.messaging.models import Delivery, Message
from portal.messaging.worker import drain
from portal.people.models import Guardian
from tests import factories as f
from tests.family.helpers import make_families
from tests.test_hostile_input import Forms


def invitations() -> list[Delivery]:
    return db.session.scalars(select(Delivery).where(Delivery.to_address.like("rosa%"))
                              .order_by(Delivery.id)).all()


def _link_in(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return re.search(r"http://localhost(/\S+)",
                             part.get_payload(decode=True).decode()).group(1)
    raise AssertionError("no text part")


def _guardian_without_account(families, **fields) -> Guardian:
    guardian = f.make_guardian(families.school, first_name="Rosa", last_name="Diaz",
                               email="rosa@example.org", **fields)
    f.link(families.child, guardian)
    return guardian


def test_invited_guardian_activates_and_lands_on_their_children(app, client, login_as,
                                                                 smtp_server):
    families = make_families()
    guardian = _guardian_without_account(families)
    db.session.commit()
    response = login_as(families.teacher).post(
        f"/family/staff/guardians/{guardian.id}/invite", data={"student_id": families.child.id})
    assert response.headers["Location"].endswith(f"/students/{families.child.id}#portal")
    user = db.session.scalar(select(User).where(User.email == "rosa@example.org"))
    assert user.role == Role.GUARDIAN and user.password_hash is None
    assert db.session.get(Guardian, guardian.id).user_id == user.id
    assert drain().sent == 1
    link = _link_in(smtp_server.messages[0])
    client.post("/logout")
    form = {"password": "a long new password", "confirm": "a long new password"}
    home = client.post(link, data=form, follow_redirects=True)
    assert home.request.path == "/family/"
    assert "Maya Lopez" in home.get_data(as_text=True)
    assert db.session.get(User, user.id).activated_at is not None


def test_invitation_email_is_in_the_guardians_language(app, login_as, smtp_server):
    families = make_families()
    guardian = _guardian_without_account(families, preferred_language="es")
    db.session.commit()
    login_as(families.teacher).post(f"/family/staff/guardians/{guardian.id}/invite")
    drain()
    (message,) = smtp_server.messages
    assert str(make_header(decode_header(message["Subject"]))) == "Está invitado al portal escolar"
    assert db.session.scalar(select(User.preferred_language)
                             .where(User.email == "rosa@example.org")) == "es"


def _invitation_form(client, families, guardian):
    """The invitation button's form on the child's profile, as the page fills it in."""
    profile = client.get(f"/students/{families.child.id}").get_data(as_text=True)
    (form,) = [form for form in Forms(profile).forms
               if form.action == f"/family/staff/guardians/{guardian.id}/invite"]
    return form


def test_the_invitation_button_sends_once_and_again_to_a_corrected_address(app, login_as):
    """Pressed twice, one invitation; the address corrected (the form says where it goes),
    the same button is a new invitation to the new address."""
    families = make_families()
    guardian = _guardian_without_account(families)
    db.session.commit()
    client = login_as(families.teacher)
    form = _invitation_form(client, families, guardian)
    assert form.values["email"] == "rosa@example.org"
    for _ in range(2):
        client.post(form.action, data=form.values)
    assert len(invitations()) == 1
    db.session.get(Guardian, guardian.id).email = "rosa.diaz@example.org"
    db.session.commit()
    form = _invitation_form(client, families, guardian)
    client.post(form.action, data=form.values)
    assert [delivery.to_address for delivery in invitations()] == [
        "rosa@example.org", "rosa.diaz@example.org"]


def test_active_guardian_is_not_invited_again(app, login_as):
    families = make_families()
    db.session.commit()
    response = login_as(families.teacher).post(
        f"/family/staff/guardians/{families.guardian.id}/invite", follow_redirects=True)
    assert "already has a portal account" in response.get_data(as_text=True)


def test_only_staff_who_see_the_child_can_invite_its_guardian(app, login_as):
    families = make_families()
    guardian = _guardian_without_account(families)
    stranger = f.make_user(Role.TEACHER, families.school)
    db.session.commit()
    url = f"/family/staff/guardians/{guardian.id}/invite"
    assert login_as(stranger).post(url).status_code == 404
    assert db.session.get(Guardian, guardian.id).user_id is None


def test_guardian_cannot_invite_anyone(app, login_as):
    families = make_families()
    guardian = _guardian_without_account(families)
    db.session.commit()
    url = f"/family/staff/guardians/{guardian.id}/invite"
    assert login_as(families.parent).post(url).status_code == 403


def test_wrong_or_expired_invitation_gives_the_family_a_clear_page(app, client, smtp_server):
    families = make_families()
    guardian = _guardian_without_account(families)
    invite_guardian(guardian=guardian, actor=families.teacher)
    db.session.commit()
    drain()
    link = _link_in(smtp_server.messages[0])
    wrong = client.get(link.split("?")[0][:-4] + "abcd")
    assert wrong.status_code == 400
    assert "This link does not work" in wrong.get_data(as_text=True)
    app.config["INVITATION_MAX_AGE"] = -1
    expired = client.get(link.split("?")[0], headers={"Accept-Language": "es"})
    assert expired.status_code == 400
    assert "Este enlace ha caducado" in expired.get_data(as_text=True)


def test_profile_shows_activation_last_login_and_messages_read(app, login_as):
    families = make_families()
    parent = db.session.get(User, families.parent.id)
    parent.activated_at = datetime(2026, 9, 2, 12)
    parent.last_login_at = datetime(2026, 10, 5, 12)
    _guardian_without_account(families)
    for subject, read_at in (("Trip permission", utcnow()), ("Lunch menu", None)):
        db.session.add(Message(guardian_id=families.guardian.id, student_id=families.child.id,
                               subject=subject, body_text="...", read_at=read_at))
    db.session.add(Message(guardian_id=families.guardian.id, student_id=families.sibling.id,
                           subject="About Leo", body_text="...", read_at=utcnow()))
    db.session.commit()
    html = login_as(families.teacher).get(f"/students/{families.child.id}").get_data(
        as_text=True)
    assert "Family portal" in html
    assert "Activated Sep 2, 2026" in html and "last signed in" in html
    assert "Read 1 of 2 messages in the portal" in html and "Trip permission" in html
    assert "About Leo" not in html
    assert "Not invited" in html and "Invite to the portal" in html
