"""The main menu: each feature adds its own entries, shown to the roles they are for."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy_gettext string
    roles: tuple[str, ...]
    order: int
    count: Callable | None = None  # (user) -> int, shown next to the label


_ITEMS: list[NavItem] = []


def add_nav_item(endpoint: str, label, *, roles: tuple[str, ...], order: int = 50,
                 count: Callable | None = None) -> None:
    """Add a menu entry for the given roles (called once by a feature package)."""
    if all(item.endpoint != endpoint for item in _ITEMS):
        _ITEMS.append(NavItem(endpoint, label, roles, order, count))


def navigation() -> list[dict]:
    """Return the menu entries of the signed-in user's role, in order."""
    if not current_user.is_authenticated:
        return []
    items = sorted((i for i in _ITEMS if current_user.role in i.roles), key=lambda i: i.order)
    return [
        {"endpoint": i.endpoint, "label": str(i.label), "url": url_for(i.endpoint),
         "count": i.count(current_user) if i.count else None}
        for i in items
        if i.endpoint in current_app.view_functions
    ]
