"""Links to the portal: absolute ones for emails and feeds, and the check that one stays local."""

from flask import current_app


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
