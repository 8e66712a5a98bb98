"""Links to the portal: absolute ones for emails and feeds, the check that one stays local,
and the bounded id converter."""

from flask import Flask, current_app
from werkzeug.routing import IntegerConverter

# The largest value of an INTEGER column (PostgreSQL int4, the narrowest of our databases).
MAX_INTEGER = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` bounded to the database's integer range: a larger id is a 404, not a 500."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 — Werkzeug's signature
        kwargs.setdefault("max", MAX_INTEGER)
        super().__init__(map, *args, **kwargs)


def register_converters(app: Flask) -> None:
    """Make every `<int:...>` URL argument a bounded id (call before routes are added)."""
    app.url_map.converters["int"] = IdConverter


def portal_url(endpoint: str, **values) -> str:
    """Return the absolute URL of an endpoint under PORTAL_BASE_URL."""
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    adapter = current_app.url_map.bind("localhost", script_name="/")
    return base + adapter.build(endpoint, values)


def is_local_path(target: str) -> bool:
    """Return True when target is a path on this site, never a way to another one.

    Browsers read "//host", "///host", "/\\host" and "/<tab>/host" as another site, so a
    second leading slash, a backslash or a control character anywhere is refused.
    """
    if not target.startswith("/") or target.startswith("//"):
        return False
    return not any(character == "\\" or ord(character) < 32 or ord(character) == 127
                   for character in target)
