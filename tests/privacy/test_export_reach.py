"""The subject-access export holds every row erasure changes: the two follow the same
references as deep (privacy/reach.py), and this test fails the day they drift apart.

Erased without the scrub: the mentions of a name that erasure masks in any other record
(another family's contact naming this mother) are other people's records, not exported."""

from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.needs.models import Need
from portal.outcomes.models import Intervention, InterventionNote
from portal.privacy.export import person_data
from portal.privacy.services import erase_person
from tests.factories import make_school
from tests.privacy.helpers import family_with_history


def _plan_with_note(student, staff) -> None:
    """A need, a plan answering it and a progress note: two and three levels below the
    student (student → need → plan → note)."""
    need = Need(student_id=student.id, kind="academic", title="Reading support",
                details="Reads slowly", created_by_id=staff.id)
    db.session.add(need)
    db.session.flush()
    plan = Intervention(student_id=student.id, need_id=need.id, owner_id=staff.id,
                        reason="Falling behind", goal="Read daily", opened_on=date(2026, 11, 2))
    db.session.add(plan)
    db.session.flush()
    db.session.add(InterventionNote(intervention_id=plan.id, author_id=staff.id,
                                    body="Read four days of five", created_at=plan.created_at))
    db.session.flush()


def _family():
    user, guardian, student, staff = family_with_history(make_school())
    _plan_with_note(student, staff)
    db.session.commit()
    return guardian, student


def _every_row() -> dict[tuple, tuple]:
    """Every row of every table, by (table, primary key)."""
    rows = {}
    for table in db.metadata.sorted_tables:
        key = [column.name for column in table.primary_key.columns]
        for row in db.session.execute(select(table)).mappings():
            rows[(table.name, *(row[name] for name in key))] = tuple(row.values())
    return rows


def _exported(tables: dict[str, list[dict]]) -> set[tuple]:
    by_name = {table.name: table for table in db.metadata.sorted_tables}
    return {(name, *(row[column.name] for column in by_name[name].primary_key.columns))
            for name, rows in tables.items() for row in rows}


@pytest.mark.parametrize("who", ["guardian", "student"])
def test_the_export_holds_every_row_erasure_changes(app, who):
    guardian, student = _family()
    person = guardian if who == "guardian" else student
    exported = person_data(person)
    before = _every_row()
    erase_person(person=person, actor=None, reason="asked", scrub=False)
    db.session.flush()
    after = _every_row()
    changed = {key for key, row in before.items() if after.get(key) != row}
    assert changed and changed <= _exported(exported), changed - _exported(exported)


def test_the_export_holds_the_text_of_contacts_and_plans_below_the_person(app):
    guardian, student = _family()
    assert [row["summary"] for row in person_data(guardian)["interactions"]] == [
        "Called Zebulon Quixwright about Ottoline Vexhammer"]
    of_student = person_data(student)
    assert [row["body"] for row in of_student["intervention_notes"]] == [
        "Read four days of five"]
    assert len(of_student["interventions"]) == 1  # reached twice (student, need): once
