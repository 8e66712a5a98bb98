"""Sign-in throttling per (account, address) and per address, proxies, and equal timing."""

import pytest

from portal.auth import models
from portal.auth.models import Role
from portal.extensions import db
from tests import factories as f
from tests.conftest import config_for

ATTACKER, OWNER, SCHOOL_PROXY = "203.0.113.9", "198.51.100.7", "10.0.0.1"


@pytest.fixture
def app_config(database_url, request):
    """The test config, with TRUSTED_PROXIES from an indirect parameter (default 0)."""
    return config_for(database_url, TRUSTED_PROXIES=getattr(request, "param", 0),
                      LOGIN_LIMIT_PER_ADDRESS="3 per 5 minutes")


def _login(client, email, password, *, address, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers).status_code


def test_an_attacker_elsewhere_cannot_lock_the_administrator_out(app, client):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "100 per 5 minutes"
    admin = f.make_user(Role.ADMINISTRATOR, f.make_school())
    db.session.commit()
    answers = [_login(client, admin.email, "guess", address=ATTACKER) for _ in range(6)]
    assert answers == [401] * 5 + [429]
    assert _login(client, admin.email, f.PASSWORD, address=ATTACKER) == 429

    assert _login(app.test_client(), admin.email, f.PASSWORD, address=OWNER) == 302


def test_forwarded_for_is_ignored_without_trusted_proxies(app, client):
    assert app.config["TRUSTED_PROXIES"] == 0
    for n in range(3):
        assert _login(client, f"x{n}@example.org", "no", address=ATTACKER,
                      forwarded_for=f"192.0.2.{n}") == 401
    # A made-up X-Forwarded-For does not buy the attacker a fresh address.
    assert _login(client, "x9@example.org", "no", address=ATTACKER,
                  forwarded_for="192.0.2.99") == 429


@pytest.mark.parametrize("app_config", [1], indirect=True)
def test_one_trusted_proxy_gives_each_pupil_behind_it_an_address_of_their_own(app, client):
    teacher = f.make_user(Role.TEACHER, f.make_school())
    db.session.commit()
    for n in range(3):  # the pupil at .10 spoofs the header; the proxy appends the real one
        assert _login(client, f"x{n}@example.org", "no", address=SCHOOL_PROXY,
                      forwarded_for=f"192.0.2.{n}, 192.0.2.10") == 401
    assert _login(client, "x9@example.org", "no", address=SCHOOL_PROXY,
                  forwarded_for="192.0.2.99, 192.0.2.10") == 429

    assert _login(app.test_client(), teacher.email, f.PASSWORD, address=SCHOOL_PROXY,
                  forwarded_for="192.0.2.11") == 302


@pytest.fixture
def hash_checks(monkeypatch):
    """Count the password hash verifications made by the auth models."""
    calls = []
    real = models.check_password_hash

    def counting(password_hash, password):
        calls.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(models, "check_password_hash", counting)
    return calls


@pytest.mark.parametrize("who", ["unknown", "invited", "deactivated", "wrong password"])
def test_every_failed_sign_in_verifies_one_password_hash(app, client, hash_checks, who):
    school = f.make_school()
    invited = f.make_user(Role.TEACHER, school)
    invited.password_hash = None  # invited, no password chosen yet
    emails = {
        "unknown": "nobody@example.org",
        "invited": invited.email,
        "deactivated": f.make_user(Role.TEACHER, school, is_active_account=False).email,
        "wrong password": f.make_user(Role.TEACHER, school).email,
    }
    db.session.commit()
    password = f.PASSWORD if who != "wrong password" else "not it"
    assert client.post("/login", data={"email": emails[who], "password": password}
                       ).status_code == 401
    assert len(hash_checks) == 1
    assert hash_checks[0].startswith("scrypt:")  # as slow as a real account's check
