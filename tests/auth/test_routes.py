"""Signing in, throttling, password reset and invitations, with real emails."""

import re

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.models import Role, User
from portal.auth.services import invite_user, request_password_reset
from portal.extensions import db
from portal.messaging.worker import drain
from tests import factories as f
from tests.people.helpers import district


def _link_in(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_payload(decode=True).decode()
            return re.search(r"http://localhost(/\S+)", text).group(1)
    raise AssertionError("no text part")


def test_login_with_right_password_lands_on_role_home(app, client):
    school = f.make_school()
    teacher = f.make_user(Role.TEACHER, school, email="t@example.org")
    db.session.commit()
    response = client.post("/login", data={"email": " T@Example.org ", "password": f.PASSWORD})
    assert response.status_code == 302
    assert client.get("/", follow_redirects=True).request.path == "/staff"
    assert db.session.get(User, teacher.id).last_login_at is not None


def test_guardian_login_lands_on_family_home(app, client):
    school = f.make_school()
    child = f.make_student(school)
    parent, _ = f.make_family(school, child)
    db.session.commit()
    client.post("/login", data={"email": parent.email, "password": f.PASSWORD})
    assert client.get("/", follow_redirects=True).request.path == "/family/"


@pytest.mark.parametrize(
    "form, message",
    [
        ({"email": "", "password": ""}, "Enter your email address."),
        (
            {"email": "nobody@example.org", "password": "x"},
            "The email address or the password is not right.",
        ),
        (
            {"email": "a" * 300 + "@x.org", "password": "x"},
            "Field cannot be longer than 254 characters.",
        ),
    ],
)
def test_bad_login_input_gives_a_clear_message_and_no_stack_trace(app, client, form, message):
    response = client.post("/login", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code in (400, 401)
    assert message in page
    assert "Traceback" not in page


def test_wrong_password_is_refused_and_audited(app, client):
    school = f.make_school()
    user = f.make_user(Role.TEACHER, school)
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": "wrong"})
    assert response.status_code == 401
    failed = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "login_failed")
    )
    assert failed == 1
    assert client.get("/staff").status_code == 302


def test_deactivated_account_cannot_sign_in(app, client):
    user = f.make_user(Role.TEACHER, f.make_school(), is_active_account=False)
    db.session.commit()
    assert (
        client.post("/login", data={"email": user.email, "password": f.PASSWORD}).status_code == 401
    )


def test_login_attempts_are_throttled_per_account(app, client):
    user = f.make_user(Role.TEACHER, f.make_school())
    db.session.commit()
    for _ in range(5):
        assert (
            client.post("/login", data={"email": user.email, "password": "no"}).status_code == 401
        )
    blocked = client.post("/login", data={"email": user.email, "password": f.PASSWORD})
    assert blocked.status_code == 429
    assert "Too many sign-in attempts" in blocked.get_data(as_text=True)
    # Another account from the same address is not blocked by this account's limit.
    other = f.make_user(Role.TEACHER, f.make_school())
    db.session.commit()
    assert (
        client.post("/login", data={"email": other.email, "password": f.PASSWORD}).status_code
        == 302
    )


def test_login_attempts_are_throttled_per_address(app, client):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 5 minutes"
    for n in range(3):
        client.post("/login", data={"email": f"x{n}@example.org", "password": "no"})
    response = client.post("/login", data={"email": "x9@example.org", "password": "no"})
    assert response.status_code == 429


def test_successful_logins_do_not_count_against_the_limit(app, client):
    user = f.make_user(Role.TEACHER, f.make_school())
    db.session.commit()
    for _ in range(7):
        assert (
            client.post("/login", data={"email": user.email, "password": f.PASSWORD}).status_code
            == 302
        )
        client.post("/logout")


def test_password_reset_link_works_once(app, client, smtp_server):
    user = f.make_user(Role.COUNSELLOR, f.make_school())
    db.session.commit()
    response = client.post("/reset-password", data={"email": user.email})
    assert "Check your email" in response.get_data(as_text=True)
    assert drain().sent == 1
    (message,) = smtp_server.messages
    assert message["To"] == user.email
    link = _link_in(message)
    new_password = "a brand new password"
    form = {"password": new_password, "confirm": new_password}
    assert client.post(link, data=form).status_code == 302
    client.post("/logout")
    again = client.post(link, data=form)
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)
    assert (
        client.post("/login", data={"email": user.email, "password": new_password}).status_code
        == 302
    )


def test_password_reset_link_expires(app, client, smtp_server):
    user = f.make_user(Role.TEACHER, f.make_school())
    request_password_reset(email=user.email)
    db.session.commit()
    drain()
    link = _link_in(smtp_server.messages[0])
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    response = client.get(link)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_reset_for_unknown_address_says_the_same_and_sends_nothing(app, client, smtp_server):
    response = client.post("/reset-password", data={"email": "ghost@example.org"})
    assert "Check your email" in response.get_data(as_text=True)
    assert drain().sent == 0
    assert smtp_server.messages == []


def test_tampered_link_gives_a_clear_page(app, client):
    response = client.get("/reset-password/not-a-real-token")
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


def test_invited_guardian_sets_a_password_and_signs_in(app, client, smtp_server):
    school = f.make_school()
    admin = f.make_user(Role.ADMINISTRATOR, school)
    user = invite_user(
        email="New.Parent@example.org",
        full_name="Ana Novák",
        role=Role.GUARDIAN,
        school_id=None,
        actor=admin,
    )
    db.session.commit()
    drain()
    (message,) = smtp_server.messages
    assert message["To"] == "new.parent@example.org"
    link = _link_in(message)
    assert "Welcome, Ana Novák" in client.get(link).get_data(as_text=True)
    mismatch = client.post(link, data={"password": "long enough pw", "confirm": "different!!"})
    assert "The two passwords are not the same." in mismatch.get_data(as_text=True)
    client.post(link, data={"password": "long enough pw", "confirm": "long enough pw"})
    assert db.session.get(User, user.id).activated_at is not None
    assert client.get(link).status_code == 400


def test_administrator_invites_staff_from_the_page(app, login_as, smtp_server):
    school = f.make_school()
    admin = f.make_user(Role.ADMINISTRATOR, school)
    db.session.commit()
    response = login_as(admin).post(
        "/staff/invite",
        data={"email": "new.teacher@example.org", "full_name": "New Teacher", "role": "teacher"},
    )
    assert response.status_code == 302
    invited = db.session.scalar(select(User).where(User.email == "new.teacher@example.org"))
    assert invited.school_id == school.id and invited.password_hash is None
    drain()
    assert smtp_server.messages[0]["Subject"] == "You are invited to the school portal"


def test_a_district_administrator_invites_staff_into_one_of_their_schools(app, login_as):
    """They have no school of their own: the page asks which of their district's (another
    district's school is no choice), and the staff member starts in it."""
    valley = district()
    client = login_as(valley.admin)
    page = client.get("/staff/invite").get_data(as_text=True)
    assert "North" in page and "South" in page and "Elsewhere" not in page
    invite = {"email": "t@example.org", "full_name": "New Teacher", "role": "teacher"}
    refused = client.post("/staff/invite", data={**invite, "school_id": valley.elsewhere.id})
    assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)
    assert client.post("/staff/invite", data={**invite, "school_id": valley.south.id}
                       ).status_code == 302
    invited = db.session.scalar(select(User).where(User.email == "t@example.org"))
    assert invited.school_id == valley.south.id


def test_teacher_cannot_invite_staff(app, login_as):
    teacher = f.make_user(Role.TEACHER, f.make_school())
    db.session.commit()
    assert login_as(teacher).get("/staff/invite").status_code == 403


def test_passwords_are_stored_hashed_with_scrypt(app):
    user = f.make_user(Role.TEACHER, f.make_school())
    assert user.password_hash.startswith("scrypt:")
    assert f.PASSWORD not in user.password_hash


def _redis_url() -> str:
    import os
    import socket

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        socket.create_connection(("127.0.0.1", 6379), 1).close()
    except OSError:
        pytest.skip("Redis does not answer on 127.0.0.1:6379 (CI sets TEST_REDIS_URL)")
    return url


def test_login_throttle_is_shared_through_redis_when_configured(app_config):
    """Two app processes (two apps here) on one Redis share the per-account limit."""
    import redis

    from portal import create_app
    from portal.extensions import limiter

    url = _redis_url()
    redis.Redis.from_url(url).flushdb()
    with_redis = type(
        "WithRedis",
        (app_config,),
        {"RATELIMIT_STORAGE_URI": url, "LOGIN_LIMIT_PER_ACCOUNT": "2 per minute"},
    )
    first, second = create_app(with_redis), create_app(with_redis)
    try:
        form = {"email": "someone@example.org", "password": "wrong"}
        assert first.test_client().post("/login", data=form).status_code == 401
        assert second.test_client().post("/login", data=form).status_code == 401
        assert first.test_client().post("/login", data=form).status_code == 429
        assert any(b"login-account" in key for key in redis.Redis.from_url(url).keys("*"))
    finally:
        redis.Redis.from_url(url).flushdb()
        limiter.init_app(create_app(app_config))


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example",
                                    "/\\evil.example", "https:evil.example",
                                    "/\t/evil.example", "///evil.example", "javascript:alert(1)"])
def test_sign_in_never_sends_the_user_to_another_site(app, client, target):
    school = f.make_school()
    f.make_user(Role.TEACHER, school, email="t@example.org")
    db.session.commit()
    response = client.post("/login", query_string={"next": target},
                           data={"email": "t@example.org", "password": f.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_in_returns_to_the_portal_page_asked_for(app, client):
    school = f.make_school()
    student = f.make_student(school)
    f.make_user(Role.ADMINISTRATOR, school, email="a@example.org")
    db.session.commit()
    asked = client.get(f"/students/{student.id}")
    assert asked.status_code == 302
    response = client.post(asked.headers["Location"],
                           data={"email": "a@example.org", "password": f.PASSWORD})
    assert response.headers["Location"] == f"/students/{student.id}"
    assert client.get(response.headers["Location"]).status_code == 200
