"""Naming thousands of rows in a statement: the same rows, one parameter on PostgreSQL.
Bulk jobs hold the cycle collector off, and give it back as they found it."""

import gc

import pytest
from sqlalchemy import select

from portal.core.bulk import among, collector_paused
from portal.extensions import db
from portal.people.models import Student
from tests import factories as f


def test_among_selects_exactly_the_rows_named(app):
    school = f.make_school()
    students = [f.make_student(school, first_name=f"S{number}") for number in range(5)]
    db.session.flush()
    wanted = [students[0].id, students[3].id, 10**9]  # one id that is no row
    for ids, expected in ((wanted, {students[0].id, students[3].id}), ([], set()),
                          (range(1, 10**4), {student.id for student in students})):
        statement = select(Student.id).where(among(Student.id, ids))
        assert set(db.session.scalars(statement)) == expected
        compiled = statement.compile(db.session.get_bind())
        if db.session.get_bind().dialect.name == "postgresql":  # the text the driver reads
            assert len(compiled.params) == 1 and "ANY" in str(compiled)


def test_the_collector_is_held_off_inside_and_left_as_found_after():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("the job failed")
    assert gc.isenabled()  # back on after a failure too
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # someone else had it off: not switched on behind them
    finally:
        gc.enable()
