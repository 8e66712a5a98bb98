"""Security headers on every response: CSP, no framing, nosniff, referrer, HSTS, no-store."""

from flask import Flask, current_app, request
from flask_login import current_user

# Files that may be cached: the static folder, the app's own Plotly and its locales.
CACHEABLE_ENDPOINTS = frozenset({"static", "dashboards.plotly_js", "dashboards.plotly_locale_json"})
# Pages that carry a password or a sign-in link even before anyone is signed in.
NO_STORE_ENDPOINTS = frozenset({"auth.login", "auth.request_reset", "auth.reset_password",
                                "auth.accept_invitation"})


def set_security_headers(response):
    """Add the browser's security headers to a response (a route's own values win)."""
    config = current_app.config
    headers = response.headers
    headers.setdefault("Content-Security-Policy", config["CONTENT_SECURITY_POLICY"])
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", config["REFERRER_POLICY"])
    if config.get("STRICT_TRANSPORT_SECURITY"):
        headers.setdefault("Strict-Transport-Security", config["STRICT_TRANSPORT_SECURITY"])
    if _private(request.endpoint):
        headers["Cache-Control"] = "no-store"
    return response


def _private(endpoint: str | None) -> bool:
    """Return True when no browser or proxy may keep a copy of the response."""
    if endpoint in CACHEABLE_ENDPOINTS:
        return False
    return endpoint in NO_STORE_ENDPOINTS or current_user.is_authenticated


def register(app: Flask) -> None:
    """Set the security headers on every response of the app."""
    app.after_request(set_security_headers)
