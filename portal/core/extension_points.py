"""Places where features add to shared pages without editing them.

A feature registers, once at import time:
- a profile panel: a section on the staff student profile (template + context function),
- a home tile: a number with a link on the staff home page.
"""

from collections.abc import Callable
from dataclasses import dataclass

from portal.auth.models import User


@dataclass(frozen=True)
class ProfilePanel:
    key: str
    template: str  # a partial, e.g. "events/_profile_panel.html"
    context: Callable  # (viewer: User, student) -> dict, or None to hide the panel
    order: int


@dataclass(frozen=True)
class HomeTile:
    key: str
    build: Callable  # (user: User) -> dict(number=..., label=..., url=...) or None
    roles: tuple[str, ...]
    order: int


_PANELS: dict[str, ProfilePanel] = {}
_TILES: dict[str, HomeTile] = {}


def add_profile_panel(key: str, template: str, context: Callable, *, order: int = 50) -> None:
    """Show a section on the staff student profile (its context may return None to hide it)."""
    _PANELS[key] = ProfilePanel(key, template, context, order)


def add_home_tile(key: str, build: Callable, *, roles: tuple[str, ...], order: int = 50) -> None:
    """Show a number with a link on the staff home page of the given roles."""
    _TILES[key] = HomeTile(key, build, roles, order)


def profile_panels(viewer: User, student) -> list[tuple[str, dict]]:
    """Return (template, context) for each panel to show on this student's profile."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: p.order):
        context = panel.context(viewer, student)
        if context is not None:
            shown.append((panel.template, context))
    return shown


def home_tiles(user: User) -> list[dict]:
    """Return the home tiles for this user's role."""
    tiles = []
    for tile in sorted(_TILES.values(), key=lambda t: t.order):
        if user.role in tile.roles:
            built = tile.build(user)
            if built is not None:
                tiles.append(built)
    return tiles
