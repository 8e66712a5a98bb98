"""Absolute links to the portal, for emails and feeds (built without a request)."""

from flask import current_app


def portal_url(endpoint: str, **values) -> str:
    """Return the absolute URL of an endpoint under PORTAL_BASE_URL."""
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    adapter = current_app.url_map.bind("localhost", script_name="/")
    return base + adapter.build(endpoint, values)
