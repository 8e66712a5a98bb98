"""The rows about a person: what erasure blanks and the subject-access export hands over.

One definition for both, so the export can never hold less than erasure touches: every
row that points at the person (or at their portal account), the contacts a guardian took
part in, and the rows below those, REACH_DEPTH levels down (a plan's notes under a need,
a message's replies), found from the schema so new tables are covered.
"""

from collections.abc import Iterator

from sqlalchemy import ColumnElement, Table, select

from portal.auth.models import User
from portal.interactions.models import Interaction, InteractionParticipant
from portal.people.models import Guardian, Student
from portal.privacy.schema import references_to

REACH_DEPTH = 2  # levels below the rows that point at the person

Rows = tuple[Table, ColumnElement]


def rows_under(table: Table, condition, depth: int = 0) -> Iterator[Rows]:
    """Yield (table, condition) for the rows matching condition and those below them (rows
    pointing at them), down to REACH_DEPTH levels; tables with a composite key end a path."""
    yield table, condition
    if depth >= REACH_DEPTH or len(table.primary_key.columns) != 1:
        return
    key = next(iter(table.primary_key.columns))
    for child, column in references_to(table):
        yield from rows_under(child, column.in_(select(key).where(condition)), depth + 1)


def _pointing_at(table: Table, row_id: int) -> Iterator[Rows]:
    for child, column in references_to(table):
        yield from rows_under(child, column == row_id)


def records_of(person: Student | Guardian) -> Iterator[Rows]:
    """Yield (table, condition) for every row about the person but their own: those that
    point at them, at a guardian's account, or are contacts a guardian took part in, and the
    rows below each."""
    yield from _pointing_at(type(person).__table__, person.id)
    if isinstance(person, Guardian):
        yield from rows_under(Interaction.__table__, Interaction.id.in_(
            select(InteractionParticipant.interaction_id).where(
                InteractionParticipant.guardian_id == person.id)))
        if person.user_id:
            yield from _pointing_at(User.__table__, person.user_id)
