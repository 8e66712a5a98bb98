"""Erasure on request (and after the retention period): anonymise a person everywhere.

Rows stay, so counts, attendance and grades still add up on the dashboards; what names or
reaches the person goes: names, contacts, birth date, the free text of their records, their
portal account's credentials, and every remaining mention of their name, email or phone in
any text column of any table (found from the schema, so new tables are covered). Their
OneRoster sourcedId stays: the next roster import knows them by it and leaves them erased.
"""

import json
import re

from sqlalchemy import JSON, String, Table, Text, case, cast, false, literal, or_, select, update

from portal.auth.models import User
from portal.core.signals import guardian_links_ended, record_changed, students_left
from portal.core.time import utcnow
from portal.events.models import CalendarFeed
from portal.extensions import db
from portal.messaging.models import Delivery
from portal.messaging.outbox import cancel_waiting
from portal.people.models import Guardian, Student
from portal.privacy.reach import records_of

MASK = "[erased]"


def _blank_records_of(person: Student | Guardian) -> None:
    """Blank the free-text columns of every row about the person (privacy/reach.py)."""
    for table, condition in records_of(person):
        texts = {column.name: (None if column.nullable else "")
                 for column in table.columns if isinstance(column.type, Text)}
        if texts:
            db.session.execute(update(table).where(condition).values(texts))


def _trie(words: set[str]) -> str:
    """A regular expression matching any of these words, written as a trie (a shared start
    is written once): an alternation of hundreds of names is tried name by name at every
    character of the text, a trie follows one path. Where one word starts another, the
    longer is matched."""
    root: dict = {}
    for word in words:
        node = root
        for character in word:
            node = node.setdefault(character, {})
        node[""] = {}

    def written(node: dict) -> str:
        branches = [re.escape(character) + written(child)
                    for character, child in sorted(node.items()) if character]
        if not branches:
            return ""
        either = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{either})?" if "" in node else either
    return written(root)


_WORD = re.compile(r"\w")  # a letter, digit or underscore, in any script
_WHOLE_START = r"(?<!\w)(?<!\w[.-])"  # no word goes on before it ("Hal", "x.a.b@…")
_WHOLE_END = r"(?!\w)(?![.-]\w)"  # nor after it ("Lister", "-Smith", ".uk")


class _Mentions:
    """Finds and masks mentions of some words in any case: found in the lower-cased text
    (fast), masked in the text as it is. A few letters, such as "İ", lower-case to two: a
    word is masked as written too, its other letters lower-cased (one spelling a letter, so
    the trie still finds the longer of two words). A number (a student number) is masked
    only as a whole number."""

    def __init__(self, needles: set[str]):
        numbers = {needle for needle in needles if needle.isdecimal()}
        words = {needle.lower() for needle in needles - numbers}
        as_written = {"".join(letter.lower() if len(letter.lower()) == 1 else letter
                              for letter in needle) for needle in needles - numbers}
        self.found = re.compile(self._either(words, numbers)).search
        self.masked = re.compile(self._either(words | as_written, numbers), re.IGNORECASE).sub

    @staticmethod
    def _either(words: set[str], numbers: set[str]) -> str:
        """Any of the words as whole words, or any of the numbers as a whole number (a
        student number 512 is not masked inside 2512, a phone number or a year). Where a
        word starts or ends with a letter or digit, no letter or digit may go on before or
        after it, nor a dot or hyphen and then one: "Al Li" is not masked inside "Hal
        Lister" or "Al Li-Smith" (another person) but is in "Al Li's", and an address not
        inside a longer one ("a.b@x.org.uk")."""
        edges: dict[tuple[bool, bool], set[str]] = {}
        for word in words:
            edges.setdefault((_WORD.match(word[0]) is not None,
                              _WORD.match(word[-1]) is not None), set()).add(word)
        either = [(_WHOLE_START if starts else "") + f"(?:{_trie(group)})"
                  + (_WHOLE_END if ends else "") for (starts, ends), group in sorted(edges.items())]
        if numbers:
            either.append(rf"(?<!\d)(?:{_trie(numbers)})(?!\d)")
        return "|".join(either)

    def scrubbed(self, value: str, is_json: bool):
        """The value with every mention masked (a JSON column's: its parsed value, masked in
        its strings only, so a student number among its figures stays a figure), or None
        when it mentions none. JSON is searched as written, its escaped letters (\\u00e1)
        written out first."""
        text = (json.dumps(json.loads(value), ensure_ascii=False)
                if is_json and "\\u" in value else value)
        if not self.found(text.lower()):
            return None
        was = json.loads(value) if is_json else value
        masked = self._in_strings(was)
        return masked if masked != was else None

    def _in_strings(self, value):
        if isinstance(value, str):
            return self.masked(MASK, value)
        if isinstance(value, list):
            return [self._in_strings(item) for item in value]
        if isinstance(value, dict):
            masked: dict = {}
            for key, item in value.items():
                masked[_unused(self._in_strings(key), masked)] = self._in_strings(item)
            return masked
        return value


def _unused(key: str, taken: dict) -> str:
    """The key, or when two keys are masked alike ("Ana Lima" and "Ana Li" both become
    "[erased]") the key numbered, so neither value is lost: "[erased] (2)"."""
    candidate, number = key, 1
    while candidate in taken:
        number += 1
        candidate = f"{key} ({number})"
    return candidate


def _searched_columns(table: Table) -> list:
    """The columns of a table a mention could be in: text and JSON, not its key, not the
    codes the portal writes (CODE: a status column of millions of daily rows), not what is
    worked out from a row's own names (DERIVED), not a person's own name (OWN_NAME: another
    of the same name keeps theirs) and not identifiers and tokens (KEY)."""
    keys = set(table.primary_key.columns)
    return [column for column in table.columns
            if isinstance(column.type, String | JSON) and column not in keys
            and not any(column.info.get(mark) for mark in ("code", "derived", "key", "own_name"))]


CHANGES_PER_STATEMENT = 200


def _scrub_column(column, mentions: _Mentions) -> None:
    """Mask the mentions in one column: its distinct values read once (a daily row's reason
    has a handful among millions of rows), each value that changes written back to every row
    holding it."""
    is_json = isinstance(column.type, JSON)
    stored = cast(column, Text) if is_json else column
    values = db.session.scalars(select(stored).where(column.is_not(None)).distinct()
                                .execution_options(yield_per=5_000))
    changes = {}
    for value in values:
        scrubbed = mentions.scrubbed(value, is_json)
        if scrubbed is not None:
            changes[value] = scrubbed
    found = list(changes)
    for start in range(0, len(found), CHANGES_PER_STATEMENT):
        chunk = found[start:start + CHANGES_PER_STATEMENT]
        db.session.execute(update(column.table).where(stored.in_(chunk)).values({
            column.name: case({old: literal(changes[old], type_=column.type) for old in chunk},
                              value=stored)}))


def scrub_mentions(needles: set[str]) -> None:
    """Replace every mention of these strings (case-insensitive) in every searched column of
    every table. One pass over the data masks any number of people's mentions: a retention
    run erases people in batches and scrubs once a batch."""
    needles = {needle.strip() for needle in needles if needle and len(needle.strip()) >= 3}
    if not needles:
        return
    mentions = _Mentions(needles)
    for table in db.metadata.sorted_tables:
        for column in _searched_columns(table):
            _scrub_column(column, mentions)


def _close_account(user: User | None) -> set[str]:
    if user is None:
        return set()
    traces = {user.email, user.full_name}
    user.email = f"erased-{user.id}@erased.invalid"
    user.full_name = f"Erased user #{user.id}"
    user.password_hash = None
    user.is_active_account = False
    user.end_sessions()
    user.link_nonce = user.session_stamp
    return traces


def _retire(person: Student | Guardian, reason: str) -> None:
    person.is_active = False
    person.inactive_since = person.inactive_since or utcnow().date()
    person.inactive_reason = reason
    person.erased_at = utcnow()


def _name_forms(first: str, last: str, *others: str | None) -> set[str]:
    forms = {f"{first} {last}", f"{last} {first}", f"{last}, {first}"}
    return forms | {f"{other} {last}" for other in others if other}


def erase_student(*, student: Student, actor: User | None, reason: str,
                  scrub: bool = True) -> set[str]:
    """Anonymise a student everywhere, keeping their rows for the school's statistics; return
    the names and number whose mentions are masked (by the caller, without `scrub`)."""
    traces = _name_forms(student.first_name, student.last_name, student.preferred_name)
    traces.add(student.external_id or "")
    _blank_records_of(student)
    student.first_name, student.last_name = "Erased student", f"#{student.id}"
    student.preferred_name = student.date_of_birth = student.external_id = None
    student.refresh_search_name()
    _retire(student, reason)
    db.session.flush()
    students_left.send(actor, student_ids=[student.id])
    if scrub:
        scrub_mentions(traces)
    record_changed.send(actor, action="erase", object_type="student", object_id=student.id,
                        student_id=student.id, school_id=student.school_id)
    return traces


def erase_guardian(*, guardian: Guardian, actor: User | None, reason: str,
                   scrub: bool = True) -> set[str]:
    """Anonymise a guardian everywhere: names, contacts, what they wrote, their account;
    what still waits to be sent to them (messages, account emails) is cancelled. Return the
    names and contacts whose mentions are masked (by the caller, without `scrub`)."""
    cancel_waiting(or_(Delivery.guardian_id == guardian.id,
                       Delivery.user_id == guardian.user_id if guardian.user_id else false()))
    traces = _name_forms(guardian.first_name, guardian.last_name)
    traces |= {guardian.email or "", guardian.phone or ""}
    _blank_records_of(guardian)  # and of their account, and the contacts they took part in
    traces |= _close_account(guardian.user)
    db.session.execute(CalendarFeed.__table__.delete().where(
        CalendarFeed.guardian_id == guardian.id))
    guardian.first_name, guardian.last_name = "Erased guardian", f"#{guardian.id}"
    guardian.email = guardian.phone = guardian.timezone = guardian.email_invalid_reason = None
    guardian.refresh_search_name()
    _retire(guardian, reason)
    db.session.flush()
    guardian_links_ended.send(actor, links=[(guardian.id, None)])
    if scrub:
        scrub_mentions(traces)
    record_changed.send(actor, action="erase", object_type="guardian", object_id=guardian.id,
                        school_id=guardian.school_id)
    return traces
