"""Configuration classes, read from the environment."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
MIN_SECRET_KEY_BYTES = 32


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'portal.db'}")
    # Hosting platforms still hand out the old "postgres://" scheme.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


class DefaultConfig:
    """Settings for a developer's machine: SQLite in instance/, mail to the local sink."""

    # Unset: create_app() generates a random key into instance/secret_key on first start.
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    INSTANCE_PATH = str(BASE_DIR / "instance")
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "60"))
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))  # reverse proxies in front
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Said, not left to Flask-Limiter: its one limiter object keeps the last app's setting
    # for an app that does not say (a test app without limits turned them off for the rest).
    RATELIMIT_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 5 minutes")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "20 per 5 minutes")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "8025"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "School Portal <portal@demo.school>"
    )
    MAIL_SUPPRESS_SEND = False

    MAIL_MESSAGE_ID_DOMAIN = os.environ.get("MAIL_MESSAGE_ID_DOMAIN", "portal.local")
    OUTBOX_RATE_PER_MINUTE = int(os.environ.get("OUTBOX_RATE_PER_MINUTE", "0"))  # 0: no limit
    # Retries back off exponentially from the base up to the maximum wait between tries; a
    # delivery fails for good only after it has been tried for OUTBOX_GIVE_UP_HOURS.
    OUTBOX_RETRY_BASE_SECONDS = int(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "60"))
    OUTBOX_RETRY_MAX_SECONDS = int(os.environ.get("OUTBOX_RETRY_MAX_SECONDS", "3600"))
    OUTBOX_GIVE_UP_HOURS = int(os.environ.get("OUTBOX_GIVE_UP_HOURS", "72"))
    OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "300"))

    PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000")
    # Urgent notices also go by SMS through Apprise: one URL reaches Twilio, Vonage, AWS SNS,
    # ClickSend, a JSON webhook (json://host/path) and dozens more.
    SMS_APPRISE_URL = os.environ.get("SMS_APPRISE_URL")
    # The secret last part of the inbound webhook the provider posts replies (STOP) to.
    SMS_INBOUND_TOKEN = os.environ.get("SMS_INBOUND_TOKEN")
    # Web Push (VAPID): without a private key one is generated into instance/ on first start.
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY")
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:portal@demo.school")
    # Push services are public HTTPS servers: a subscription naming plain http or an address
    # inside a private network (loopback, private, link-local) is refused, or a family's
    # browser could make the worker post wherever it says. Only the tests' loopback push
    # service needs it on.
    PUSH_PRIVATE_ENDPOINTS = False
    PASSWORD_RESET_MAX_AGE = int(os.environ.get("PASSWORD_RESET_MAX_AGE", str(60 * 60)))
    INVITATION_MAX_AGE = int(os.environ.get("INVITATION_MAX_AGE", str(14 * 24 * 60 * 60)))
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    # Each language's own name; zh_Hans is Babel's code for Chinese (Simplified).
    PORTAL_LANGUAGES = {"en": "English", "es": "Español", "fr": "Français", "cs": "Čeština",
                        "de": "Deutsch", "hu": "Magyar", "fa": "فارسی", "zh_Hans": "简体中文"}
    # Larger request bodies get the 413 page before the portal reads them.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_MB", "20")) * 1024 * 1024
    SEND_FILE_MAX_AGE_DEFAULT = 0
    PLOTLY_JS_MAX_AGE = 365 * 24 * 60 * 60
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # No inline script or style anywhere: templates load static/js and static/css only.
    CONTENT_SECURITY_POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    REFERRER_POLICY = "same-origin"
    STRICT_TRANSPORT_SECURITY = None  # HTTPS only in production (a developer serves HTTP)
    TESTING = False


class TestConfig(DefaultConfig):
    """Settings for pytest: a database of the test's own, no real limits on login."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 1
    PORTAL_BASE_URL = "http://localhost"
    SERVER_NAME = None
    PUSH_PRIVATE_ENDPOINTS = True  # the loopback push service (tests/notifications/push_server.py)


class ProductionConfig(DefaultConfig):
    """Settings for a real school: refuses to start without a long secret key."""

    SESSION_COOKIE_SECURE = True
    STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"  # one year

    @classmethod
    def check(cls) -> None:
        """Refuse to run without a SECRET_KEY of at least MIN_SECRET_KEY_BYTES bytes."""
        if len((cls.SECRET_KEY or "").encode()) < MIN_SECRET_KEY_BYTES:
            raise RuntimeError(
                f"SECRET_KEY is not set or shorter than {MIN_SECRET_KEY_BYTES} bytes: "
                "production refuses to start with it. Set the SECRET_KEY environment variable "
                'to a long random value, e.g. python -c "import secrets; '
                'print(secrets.token_hex(32))".'
            )


CONFIGS = {"default": DefaultConfig, "test": TestConfig, "production": ProductionConfig}


def config_named(name: str) -> type:
    """Return the config class called name in CONFIGS, or refuse an unknown name clearly."""
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"PORTAL_CONFIG={name!r} is not a known configuration; "
            f"choose one of {', '.join(CONFIGS)}."
        ) from None
