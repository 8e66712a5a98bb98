"""One page of a statement's rows, with how many rows it has in all."""

from sqlalchemy import Select, func, select

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
