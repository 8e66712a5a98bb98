"""Sessions end everywhere on logout and password reset, and after an idle hour."""

import json

from itsdangerous import URLSafeTimedSerializer

from portal.auth.models import Role
from portal.auth.services import request_password_reset
from portal.auth.tokens import make_token
from portal.extensions import db
from portal.messaging.worker import drain
from tests import factories as f
from tests.auth.test_routes import _link_in
from tests.conftest import sign_in_session


def _signed_in(app, user):
    """Return a new client (its own cookie jar) signed in through the login form."""
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


def _signed_out(client) -> bool:
    response = client.get("/staff")
    assert response.status_code in (200, 302)
    return response.status_code == 302 and "/login" in response.location


def test_logout_ends_every_session_of_the_user(app):
    teacher = f.make_user(Role.TEACHER, f.make_school())
    db.session.commit()
    laptop, phone = _signed_in(app, teacher), _signed_in(app, teacher)
    stolen_cookie = laptop.get_cookie("session").value
    assert not _signed_out(laptop) and not _signed_out(phone)

    laptop.post("/logout")

    assert _signed_out(laptop)
    assert _signed_out(phone)
    replay = app.test_client()
    replay.set_cookie("session", stolen_cookie)
    assert _signed_out(replay)
    assert not _signed_out(_signed_in(app, teacher))  # signing in again works


def test_password_reset_ends_the_sessions_signed_in_before_it(app, smtp_server):
    teacher = f.make_user(Role.TEACHER, f.make_school())
    request_password_reset(email=teacher.email)
    db.session.commit()
    drain()
    old_session = _signed_in(app, teacher)
    new_password = "a brand new password"

    resetting = app.test_client()
    response = resetting.post(_link_in(smtp_server.messages[0]),
                              data={"password": new_password, "confirm": new_password})

    assert response.status_code == 302
    assert _signed_out(old_session)
    assert not _signed_out(resetting)  # the reset signs its own browser in


def test_a_session_id_without_the_current_stamp_is_refused(app, client):
    teacher = f.make_user(Role.TEACHER, f.make_school())
    db.session.commit()
    for session_id in (str(teacher.id), f"{teacher.id}:forged", f"{teacher.id}:"):
        with client.session_transaction() as session:
            sign_in_session(session, teacher)  # a fresh, non-idle session…
            session["_user_id"] = session_id  # …with a stale or forged id
        assert _signed_out(client), session_id
    with client.session_transaction() as session:
        sign_in_session(session, teacher)
    assert not _signed_out(client)


def test_an_idle_session_ends_after_the_idle_timeout(app, client, clock):
    assert app.config["SESSION_IDLE_MINUTES"] == 60
    teacher = f.make_user(Role.TEACHER, f.make_school())
    db.session.commit()
    client.post("/login", data={"email": teacher.email, "password": f.PASSWORD})
    clock.advance(minutes=59)
    assert not _signed_out(client)
    clock.advance(minutes=59)  # each request restarts the idle hour
    assert not _signed_out(client)

    clock.advance(minutes=61)

    response = client.get("/staff", follow_redirects=True)
    assert response.request.path == "/login"
    assert "signed out after a while without activity" in response.get_data(as_text=True)
    clock.advance(minutes=-61)
    assert _signed_out(client)  # gone for good, not just hidden while idle


def test_links_carry_a_random_nonce_and_no_part_of_the_password_hash(app):
    user = f.make_user(Role.TEACHER, f.make_school())
    db.session.commit()
    token = make_token(user, "reset")

    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="portal-reset")
    payload = serializer.loads(token)

    assert payload == {"uid": user.id, "nonce": user.link_nonce}
    hash_tail = user.password_hash.split("$")[-1]
    assert all(hash_tail[i:i + 8] not in json.dumps(payload)
               for i in range(len(hash_tail) - 7))


def test_setting_a_password_makes_older_links_and_sessions_invalid(app):
    user = f.make_user(Role.TEACHER, f.make_school())
    db.session.commit()
    before = (user.link_nonce, user.session_stamp, user.get_id())

    user.set_password("another long password")

    assert user.link_nonce != before[0] and user.session_stamp != before[1]
    assert user.get_id() != before[2]
    other = f.make_user(Role.TEACHER, f.make_school())
    assert other.link_nonce != user.link_nonce  # per user, not one shared value
