"""Keys that make two records of the same person look the same (pure: no Flask, no DB)."""

from datetime import date

from portal.core.text import fold

PHONE_DIGITS = 9


def normalise_email(email: str | None) -> str:
    """Return the email trimmed and lower-cased ("" when there is none)."""
    return (email or "").strip().lower()


def normalise_phone(phone: str | None) -> str:
    """Return the phone's last digits, so "+34 612-345-678" matches "612 345 678"
    ("" when it has too few digits to tell people apart)."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits[-PHONE_DIGITS:] if len(digits) >= PHONE_DIGITS else ""


def normalise_name(first_name: str | None, last_name: str | None) -> str:
    """Return the name without accents, case or repeated spaces."""
    return " ".join(fold(f"{first_name or ''} {last_name or ''}").split())


def person_keys(*, first_name: str, last_name: str, email: str | None = None,
                phone: str | None = None, born_on: date | None = None) -> set[str]:
    """Return the keys under which two records count as likely the same person: the same
    email, the same phone, or the same name and birth date."""
    keys = set()
    if normalise_email(email):
        keys.add(f"email:{normalise_email(email)}")
    if normalise_phone(phone):
        keys.add(f"phone:{normalise_phone(phone)}")
    if born_on is not None and normalise_name(first_name, last_name):
        keys.add(f"name:{normalise_name(first_name, last_name)}:{born_on.isoformat()}")
    return keys


def group_by_keys(people: list[tuple[int, set[str]]]) -> list[list[int]]:
    """Return groups (of two or more ids) of people sharing a key, transitively."""
    parent = {person_id: person_id for person_id, _keys in people}

    def root(person_id: int) -> int:
        while parent[person_id] != person_id:
            person_id = parent[person_id]
        return person_id

    first_with: dict[str, int] = {}
    for person_id, keys in people:
        for key in keys:
            if key in first_with:
                parent[root(person_id)] = root(first_with[key])
            else:
                first_with[key] = person_id
    groups: dict[int, list[int]] = {}
    for person_id, _keys in people:
        groups.setdefault(root(person_id), []).append(person_id)
    return sorted(sorted(group) for group in groups.values() if len(group) > 1)
