"""Subject access: everything the school holds about a student or a guardian, as a zip of
JSON and CSV (one file per table; rows found from the schema, so new tables are covered)."""

import io
import json
import zipfile
from datetime import date, datetime

from sqlalchemy import Table, select

from portal.auth.models import User
from portal.core.time import utcnow
from portal.extensions import db
from portal.people.export import rows_csv
from portal.people.models import Guardian, Student
from portal.privacy.reach import records_of

SECRET_COLUMNS = {"password_hash", "session_stamp", "link_nonce", "token_hash",
                  "message_id_header", "headers"}


def _value(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _rows(table: Table, condition) -> list[dict]:
    columns = [column for column in table.columns if column.name not in SECRET_COLUMNS]
    found = db.session.execute(select(*columns).where(condition).order_by(*table.primary_key))
    return [{name: _value(value) for name, value in row._mapping.items()} for row in found]


def _collect(tables: dict, person: Student | Guardian) -> None:
    """Add the rows about the person that erasure would blank (privacy/reach.py), each once
    however many paths lead to it."""
    seen: set[tuple] = set()
    for table, condition in records_of(person):
        if table.name in ("students", "guardians"):
            continue  # the person's own row is already there; other people are not theirs
        key = [column.name for column in table.primary_key.columns]
        for row in _rows(table, condition):
            found = (table.name, *(row[name] for name in key))
            if found not in seen:
                seen.add(found)
                tables.setdefault(table.name, []).append(row)


def person_data(person: Student | Guardian) -> dict[str, list[dict]]:
    """Return every row about the person: their own (and their portal account, for a
    guardian) and every row erasure would blank."""
    table = type(person).__table__
    tables = {table.name: _rows(table, table.c.id == person.id)}
    if isinstance(person, Guardian) and person.user_id:
        tables["users"] = _rows(User.__table__, User.id == person.user_id)
    _collect(tables, person)
    return tables


def person_zip(person: Student | Guardian) -> bytes:
    """Return a zip with data.json and one CSV file per table."""
    tables = person_data(person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(
            {"exported_at": utcnow().isoformat(), "tables": tables}, indent=2,
            ensure_ascii=False, default=str))
        for name, rows in tables.items():
            archive.writestr(f"{name}.csv", rows_csv(rows))
    return buffer.getvalue()
