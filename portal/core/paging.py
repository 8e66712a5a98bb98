"""One page of a statement's rows, with how many rows it has in all."""

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from portal.core.errors import NotFound
from portal.extensions import db


def page_with_total(stmt: Select, page: int, per_page: int) -> tuple[list[tuple], int]:
    """Return one page of the (ordered) statement's rows and how many it has in all.

    The total comes with the page as a window count (one pass, not two); only a page past
    the last, which has no rows to carry it, counts on its own.
    """
    counted = stmt.add_columns(func.count().over())
    rows = db.session.execute(counted.offset((page - 1) * per_page).limit(per_page)).all()
    if rows:
        return [tuple(row[:-1]) for row in rows], rows[0][-1]
    return [], db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


def last_page(total: int, per_page: int) -> int:
    """Return the number of a list's last page (1 for an empty list: it says so there)."""
    return max(1, -(-total // per_page))


def check_page(page: int, total: int, per_page: int) -> None:
    """Refuse a page past a list's last with a 404 that names the last page."""
    if page > last_page(total, per_page):
        raise NotFound(_("This list has no page %(page)s; its last page is %(last)s.",
                         page=page, last=last_page(total, per_page)))
