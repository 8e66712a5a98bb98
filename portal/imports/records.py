"""Parse the simple attendance and grades CSV files (docs/imports.md): no Flask, no database."""

from dataclasses import dataclass
from datetime import date

from portal.core.numbers import AmbiguousNumber, TwoSeparators, UnreadableNumber, read_number
from portal.imports.csvfiles import (
    ImportFailed,
    Row,
    parse_date,
    parse_enum,
    parse_text,
    read_rows,
)

ATTENDANCE_STATUSES = ("present", "absent_excused", "absent_unexcused", "tardy")
GRADE_KINDS = ("assessment", "period")
# What the portal keeps of an absence's reason and an assessment's name (the columns of
# DailyAttendance.reason and Grade.assessment_name).
LONGEST_REASON = LONGEST_ASSESSMENT = 200


@dataclass(frozen=True)
class AttendanceLine:
    row: Row
    student: str
    on_date: date
    status: str
    reason: str


@dataclass(frozen=True)
class GradeLine:
    row: Row
    student: str
    section: str
    grading_period: str
    kind: str
    assessment: str
    score: float
    max_score: float
    recorded_on: date


def _number(row: Row, column: str, *, default: float | None = None) -> float:
    """Read a number with "." or "," as its decimal mark (core.numbers, as the gradebook);
    refuse one a reader could take for two different numbers."""
    value = row.get(column)
    if not value and default is not None:
        return default
    try:
        number = read_number(value)
    except AmbiguousNumber as ambiguous:
        raise ImportFailed([row.error(column, f"could be {ambiguous.whole} or, with a decimal "
                                              f"comma, {ambiguous.decimal:g}: write it without "
                                              "a thousands separator")]) from None
    except TwoSeparators:
        raise ImportFailed([row.error(column, "is not a number (write it without a thousands "
                                              "separator, with . or , as the decimal mark)")]
                           ) from None
    except UnreadableNumber:  # text, NaN or infinity (1e999 too)
        raise ImportFailed([row.error(column, "is not a number")]) from None
    if number < 0:
        raise ImportFailed([row.error(column, "must not be negative")])
    return number


def _required(row: Row, *columns: str) -> None:
    missing = [row.error(column, "is required") for column in columns if not row.get(column)]
    if missing:
        raise ImportFailed(missing)


def _attendance(row: Row) -> AttendanceLine:
    _required(row, "student")
    return AttendanceLine(row, row.get("student"), parse_date(row, "date", required=True),
                          parse_enum(row, "status", ATTENDANCE_STATUSES),
                          parse_text(row, "reason", LONGEST_REASON))


def _grade(row: Row) -> GradeLine:
    _required(row, "student", "class")
    kind = parse_enum(row, "kind", GRADE_KINDS, default="assessment")
    if kind == "assessment":
        _required(row, "assessment")
    line = GradeLine(row, row.get("student"), row.get("class"), row.get("grading_period"), kind,
                     parse_text(row, "assessment", LONGEST_ASSESSMENT), _number(row, "score"),
                     _number(row, "max_score", default=100.0),
                     parse_date(row, "date", required=True))
    if line.max_score == 0:
        raise ImportFailed([row.error("max_score", "must be more than 0")])
    if line.score > line.max_score:
        raise ImportFailed([row.error("score", f"is more than max_score {line.max_score:g}")])
    return line


KINDS = {
    "attendance": (("student", "date", "status"), _attendance),
    "grades": (("student", "class", "score", "date"), _grade),
}


def parse_records(kind: str, name: str, data: bytes) -> list:
    """Return the checked lines of an attendance or grades file; raise listing every error."""
    required, reader = KINDS[kind]
    lines, errors = [], []
    for row in read_rows(name, data, required=required):
        try:
            lines.append(reader(row))
        except ImportFailed as failed:
            errors.extend(failed.errors)
    if errors:
        raise ImportFailed(errors)
    return lines
