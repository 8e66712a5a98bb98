"""The records of a parsed OneRoster set: plain data, no Flask, no database."""

from dataclasses import dataclass, field
from datetime import date

from portal.imports.csvfiles import Row

# The address of a staff account whose file gives none ("<sourcedId>@oneroster.invalid"):
# it receives nothing, and our own export writes it back.
PLACEHOLDER_DOMAIN = "oneroster.invalid"


@dataclass
class Record:
    """What every OneRoster record has: its id, whether it is active, where it was read."""

    sourced_id: str
    active: bool
    row: Row


@dataclass
class Org(Record):
    name: str = ""
    type: str = ""
    parent_id: str = ""


@dataclass
class Session(Record):
    title: str = ""
    type: str = ""
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass
class Course(Record):
    title: str = ""
    code: str = ""
    org_id: str = ""
    subject: str = ""


@dataclass
class Class(Record):
    title: str = ""
    course_id: str = ""
    school_id: str = ""
    term_ids: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    room: str = ""


@dataclass
class User(Record):
    role: str = ""
    enabled: bool = True
    org_ids: list[str] = field(default_factory=list)
    given_name: str = ""
    family_name: str = ""
    preferred_name: str = ""
    identifier: str = ""
    email: str = ""
    username: str = ""
    phone: str = ""
    agent_ids: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    birth_date: date | None = None


@dataclass
class Enrollment(Record):
    class_id: str = ""
    school_id: str = ""
    user_id: str = ""
    role: str = ""
    primary: bool = False
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass
class Roster:
    """A parsed OneRoster set; `modes` says per file whether it is bulk, delta or absent."""

    version: str
    modes: dict[str, str]
    orgs: list[Org] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    courses: list[Course] = field(default_factory=list)
    classes: list[Class] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    enrollments: list[Enrollment] = field(default_factory=list)

    def sourced_ids(self) -> set[str]:
        """Every sourcedId the set's records have."""
        return {record.sourced_id for records in (self.orgs, self.sessions, self.courses,
                                                  self.classes, self.users, self.enrollments)
                for record in records}

    def is_bulk(self, name: str) -> bool:
        return self.modes.get(name) == "bulk"
