"""Read a UCI Student Performance CSV and map each row onto the portal's risk indicators.

Pure: no Flask, no database. Accepts the human-readable headers of the shared copy and
the original short codes (sex, failures, absences, G1, G2, G3), comma or semicolon separated.
"""

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "PORTAL_UCI_CSV"
SHARED_COPY = Path("shared") / "data" / "uci-student-performance" / "student-mat.csv"
SCHOOL_DAYS = 180  # absences are counted over a school year of about this many days
PASS_MARK = 10  # out of 20: pass = final grade >= 10
SETUPS = {
    "A": "first and second period grades (late in the year)",
    "B": "first period grade only (after the first period)",
    "C": "no period grades (start of the year)",
}
# our name -> accepted header names (the shared copy's, then the original code)
COLUMNS = {
    "school": ("school",),
    "gender": ("gender", "sex"),
    "address": ("address",),
    "failures": ("past class failures", "failures"),
    "absences": ("school absences", "absences"),
    "g1": ("first period grade", "g1"),
    "g2": ("second period grade", "g2"),
    "g3": ("final grade", "g3"),
}
OPTIONAL_COLUMNS = {"age": ("age",)}  # read when present, for the per-group figures only
NUMERIC = ("failures", "absences", "g1", "g2", "g3", "age")


class UciFormatError(ValueError):
    """The file is not a UCI Student Performance CSV; the message names line and column."""


@dataclass(frozen=True)
class UciStudent:
    """One row of the file: what the engine may use, the outcome, and the groups for fairness."""

    line: int
    failures: int
    absences: int
    g1: int
    g2: int
    g3: int
    school: str
    gender: str
    address: str
    age: int | None = None

    @property
    def failed(self) -> bool:
        return self.g3 < PASS_MARK

    def groups(self) -> dict[str, str]:
        """Return the protected groups this student belongs to (never inputs of the engine)."""
        found = {"gender": self.gender, "address (U urban / R rural)": self.address,
                 "school": self.school}
        if self.age is not None:
            found["age"] = "18 or older" if self.age >= 18 else "under 18"
        return found


def default_path(project_root: Path) -> Path:
    """Return the CSV path from the environment, else the shared copy beside the project.

    The shared copy is ../shared/... of the project root; a git worktree nested one folder
    deeper finds it one level further up.
    """
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    candidates = [folder / SHARED_COPY for folder in project_root.resolve().parents[:2]]
    return next((path for path in candidates if path.exists()), candidates[0])


def read_students(text: str) -> list[UciStudent]:
    """Parse the CSV text into rows; raise UciFormatError naming the line and column."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    students = []
    try:
        header = [name.strip().strip('"').lower() for name in next(reader, [])]
        positions = _column_positions(header)
        for line, row in enumerate(reader, start=2):
            if any(cell.strip() for cell in row):
                students.append(_student(line, row, positions))
    except csv.Error as error:  # a NUL byte, an unclosed quote at the end
        raise UciFormatError(f"line {reader.line_num}: not a readable CSV row ({error})") from None
    if not students:
        raise UciFormatError("the file has no data rows")
    return students


def _column_positions(header: list[str]) -> dict[str, tuple[int, str]]:
    positions = {}
    for ours, accepted in COLUMNS.items():
        found = next((name for name in accepted if name in header), None)
        if found is None:
            raise UciFormatError(f"line 1 (header): missing column '{accepted[0]}'")
        positions[ours] = (header.index(found), found)
    for ours, accepted in OPTIONAL_COLUMNS.items():
        found = next((name for name in accepted if name in header), None)
        if found is not None:
            positions[ours] = (header.index(found), found)
    return positions


def _student(line: int, row: list[str], positions: dict) -> UciStudent:
    values = {}
    for ours, (index, header_name) in positions.items():
        if index >= len(row):
            raise UciFormatError(f"line {line}, column '{header_name}': the value is missing")
        cell = row[index].strip().strip('"')
        if ours in NUMERIC:
            try:
                values[ours] = int(float(cell))
            except (ValueError, OverflowError):  # text, NaN or infinity
                raise UciFormatError(
                    f"line {line}, column '{header_name}': '{cell}' is not a number") from None
        else:
            values[ours] = cell
    return UciStudent(line=line, **values)


def indicators_for(student: UciStudent, setup: str) -> dict:
    """Map a row onto the portal's indicators for a setup (A, B or C)."""
    indicators = {
        "past_course_failures": student.failures,
        "attendance_rate_term": round(100.0 * (1 - min(student.absences, SCHOOL_DAYS)
                                               / SCHOOL_DAYS), 1),
    }
    if setup in ("A", "B"):
        latest = student.g2 if setup == "A" else student.g1
        indicators["grade_average"] = latest * 5.0  # 0–20 → percent
        indicators["failing_core_subjects"] = int(latest < PASS_MARK)
    if setup == "A":
        indicators["grade_change"] = (student.g2 - student.g1) * 5.0
    return indicators


# The school this data comes from passes at 10/20 = 50 %.
UCI_SETTINGS = {"rules": {"grade_average": {"threshold": 50.0}}}
