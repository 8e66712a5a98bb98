"""Read the Open University Learning Analytics Dataset and map it onto the risk indicators.

Pure: no Flask, no database. A registration seen on day *d* shows only what was known on
day *d*: submissions handed in by then, work due before then, and the registration itself.
Kuzilek, Hlosta & Zdrahal (2017), Scientific Data 4:170171, CC BY 4.0.
"""

import csv
import math
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from portal.risk.scoring import slope

ENV_VAR = "PORTAL_OULAD_DIR"
SHARED_COPY = Path("shared") / "data" / "oulad"
RECENT_DAYS = 28  # as the live engine's "last 4 weeks"
PASS_MARK = 40  # the Open University passes an assessment at 40 %
AT_RISK = ("Fail", "Withdrawn")
PROTECTED = ("gender", "region", "highest_education", "imd_band", "age_band", "disability")
FILES = {
    "courses.csv": ("code_module", "code_presentation", "module_presentation_length"),
    "assessments.csv": ("code_module", "code_presentation", "id_assessment",
                        "assessment_type", "date", "weight"),
    "studentInfo.csv": ("code_module", "code_presentation", "id_student",
                        "num_of_prev_attempts", "final_result", *PROTECTED),
    "studentRegistration.csv": ("code_module", "code_presentation", "id_student",
                                "date_registration", "date_unregistration"),
    "studentAssessment.csv": ("id_assessment", "id_student", "date_submitted", "score"),
}
# The portal indicators this data can show (no attendance, behaviour or family contact).
MAPPED = ("past_course_failures", "missing_work_count", "missing_work_recent",
          "missing_work_share", "late_work_share", "grade_average", "failing_core_subjects",
          "score_trend", "score_vs_class")
# The engine's thresholds for this data: the Open University's pass mark replaces 60 %.
OULAD_SETTINGS = {"rules": {"grade_average": {"threshold": float(PASS_MARK)}}}


class OuladFormatError(ValueError):
    """A file of the folder is missing or malformed; the message names file, line and column."""


@dataclass(frozen=True)
class Work:
    """An assessment a registration must hand in (exams are not coursework and are left out)."""

    id: int
    due: int
    weight: float = 0.0  # % of the module's mark; the evaluation's weighted score uses it


@dataclass
class Registration:
    """One student in one module presentation: what the engine may use, outcome, groups."""

    presentation: str  # "AAA 2013J"
    student: int
    registered: int
    unregistered: int | None
    previous_attempts: int
    final_result: str
    groups: dict
    length: int = 0
    work: list[Work] = field(default_factory=list)
    submissions: dict = field(default_factory=dict)  # assessment id -> (day, score or None)

    @property
    def at_risk(self) -> bool:
        return self.final_result in AT_RISK

    @property
    def year(self) -> str:
        return self.presentation.split()[1][:4]

    def enrolled_on(self, day: int) -> bool:
        """Return True when the student is registered and has not withdrawn by this day."""
        return (self.registered <= day < self.length
                and (self.unregistered is None or self.unregistered > day))

    def event_day(self) -> int | None:
        """Return the day of withdrawal, or the presentation's end; None when not known."""
        if self.final_result == "Withdrawn":
            return self.unregistered
        return self.length


def default_folder(project_root: Path) -> Path:
    """Return the folder from the environment, else the shared copy beside the project."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    candidates = [folder / SHARED_COPY for folder in project_root.resolve().parents[:2]]
    return next((path for path in candidates if path.exists()), candidates[0])


def _rows(folder: Path, name: str):
    path = folder / name
    if not path.exists():
        raise OuladFormatError(f"{name}: the file is missing")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        absent = [column for column in FILES[name] if column not in (reader.fieldnames or [])]
        if absent:
            raise OuladFormatError(f"{name}, line 1 (header): missing column '{absent[0]}'")
        for line, row in enumerate(reader, start=2):
            yield line, {key: (value or "").strip() for key, value in row.items()}


def _number(name: str, line: int, row: dict, column: str, *, optional: bool = False,
            cast=int):
    cell = row[column]
    if cell == "" and optional:
        return None
    try:
        number = float(cell)
        if not math.isfinite(number):
            raise ValueError(cell)
        return cast(number)
    except ValueError:  # text, NaN or infinity (1e999 too)
        raise OuladFormatError(
            f"{name}, line {line}, column '{column}': '{cell}' is not a number") from None


def read_oulad(folder: Path) -> list[Registration]:
    """Read the folder's files into registrations; raise OuladFormatError naming the fault."""
    lengths, work, owner = {}, defaultdict(list), {}
    for line, row in _rows(folder, "courses.csv"):
        key = f"{row['code_module']} {row['code_presentation']}"
        lengths[key] = _number("courses.csv", line, row, "module_presentation_length")
    for line, row in _rows(folder, "assessments.csv"):
        key = f"{row['code_module']} {row['code_presentation']}"
        due = _number("assessments.csv", line, row, "date", optional=True)
        if row["assessment_type"] != "Exam" and due is not None:
            ident = _number("assessments.csv", line, row, "id_assessment")
            weight = _number("assessments.csv", line, row, "weight", cast=float)
            work[key].append(Work(ident, due, weight))
            owner[ident] = key
    registrations = _registrations(folder, lengths, work)
    for line, row in _rows(folder, "studentAssessment.csv"):
        ident = _number("studentAssessment.csv", line, row, "id_assessment")
        student = _number("studentAssessment.csv", line, row, "id_student")
        registration = registrations.get((owner.get(ident), student))
        if registration is not None:
            registration.submissions[ident] = (
                _number("studentAssessment.csv", line, row, "date_submitted"),
                _number("studentAssessment.csv", line, row, "score", optional=True))
    return list(registrations.values())


def _registrations(folder: Path, lengths: dict, work: dict) -> dict:
    dates = {}
    for line, row in _rows(folder, "studentRegistration.csv"):
        key = (f"{row['code_module']} {row['code_presentation']}",
               _number("studentRegistration.csv", line, row, "id_student"))
        dates[key] = (
            _number("studentRegistration.csv", line, row, "date_registration", optional=True),
            _number("studentRegistration.csv", line, row, "date_unregistration", optional=True))
    found = {}
    for line, row in _rows(folder, "studentInfo.csv"):
        presentation = f"{row['code_module']} {row['code_presentation']}"
        student = _number("studentInfo.csv", line, row, "id_student")
        registered, unregistered = dates.get((presentation, student), (None, None))
        found[presentation, student] = Registration(
            presentation=presentation, student=student,
            registered=registered if registered is not None else 0, unregistered=unregistered,
            previous_attempts=_number("studentInfo.csv", line, row, "num_of_prev_attempts"),
            final_result=row["final_result"], groups={g: row[g] for g in PROTECTED},
            length=lengths.get(presentation, 0),
            work=sorted(work.get(presentation, []), key=lambda w: (w.due, w.id)))
    return found


def indicators_on(registration: Registration, day: int) -> dict:
    """Map what was known of a registration on this day onto the portal's indicators."""
    due = [w for w in registration.work if w.due < day]
    handed = {ident: sub for ident, sub in registration.submissions.items() if sub[0] <= day}
    missing = sum(1 for w in due if w.id not in handed)
    recent = sum(1 for w in due if w.id not in handed and w.due >= day - RECENT_DAYS)
    dated = {w.id: w.due for w in registration.work}
    late = sum(1 for ident, (submitted, _) in handed.items() if submitted > dated[ident])
    scores = [handed[w.id][1] for w in registration.work
              if w.id in handed and handed[w.id][1] is not None]
    average = sum(scores) / len(scores) if scores else None
    return {
        "past_course_failures": registration.previous_attempts,
        "missing_work_count": missing,
        "missing_work_recent": recent,
        "missing_work_share": round(100.0 * missing / len(due), 1) if due else None,
        "late_work_share": round(100.0 * late / len(handed), 1) if handed else None,
        "grade_average": round(average, 1) if average is not None else None,
        "failing_core_subjects": int(average < PASS_MARK) if average is not None else None,
        "score_trend": slope(list(enumerate(scores))),
    }


def indicators_for_class(registrations: list[Registration], day: int) -> dict[int, dict]:
    """Return {index: indicators} for those enrolled on the day, with the score vs the class."""
    found = {index: indicators_on(r, day) for index, r in enumerate(registrations)
             if r.enrolled_on(day)}
    by_class = defaultdict(list)
    for index, values in found.items():
        if values["grade_average"] is not None:
            by_class[registrations[index].presentation].append(values["grade_average"])
    means = {key: sum(values) / len(values) for key, values in by_class.items()}
    for index, values in found.items():
        average, mean = values["grade_average"], means.get(registrations[index].presentation)
        values["score_vs_class"] = None if average is None else round(average - mean, 1)
    return found
