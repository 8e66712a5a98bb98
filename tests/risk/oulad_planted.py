"""A small OULAD-format folder whose answer is known, written in the release's own format.

Module XXX, presentations 2013B and 2013J (training) and 2014J (test), and module YYY with
only a 2014J presentation (a course the model never saw, as CCC); 200 days each, coursework
due on days 10, 40, 70, 100, 130 and 160. "Good" students hand everything in on time with
80 % and pass; "bad" ones hand nothing in and fail. The training presentations are large
enough for the learner's smallest leaf (100 students). Two planted 2014 students:
WITHDRAWN hands nothing in and unregisters on day 40; LATE passes but hands the day-40
work in on day 60 with 0 (so on day 56 it is missing, and from day 60 on it is late).
"""

import csv
from pathlib import Path

DUE = (10, 40, 70, 100, 130, 160)
WEIGHTS = (7.5, 12.5, 20, 20, 20, 20)  # % of the module's mark; the release has halves too
LENGTH = 200
PRESENTATIONS = ("XXX 2013B", "XXX 2013J", "XXX 2014J", "YYY 2014J")
GOOD = {"XXX 2013B": 110, "XXX 2013J": 110, "XXX 2014J": 8, "YYY 2014J": 6}
BAD = {"XXX 2013B": 110, "XXX 2013J": 110, "XXX 2014J": 8, "YYY 2014J": 2}
WITHDRAWN, LATE = 9001, 9002
PROTECTED = {"gender": "F", "region": "Wales", "highest_education": "A Level or Equivalent",
             "imd_band": "20-30%", "age_band": "0-35", "disability": "N"}


def _write(folder: Path, name: str, header: list[str], rows: list[list]) -> None:
    with (folder / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([["" if cell is None else cell for cell in row] for row in rows])


def _students() -> list[tuple[str, int, str, int | None, list]]:
    """Return (presentation, student, result, unregistered, [(due index, day, score)])."""
    found, number = [], 100
    for presentation in PRESENTATIONS:
        for _ in range(GOOD[presentation]):
            number += 1
            found.append((presentation, number, "Pass", None,
                          [(i, day, 80) for i, day in enumerate(DUE)]))
        for _ in range(BAD[presentation]):
            number += 1
            found.append((presentation, number, "Fail", None, []))
    found.append(("XXX 2014J", WITHDRAWN, "Withdrawn", 40, []))
    found.append(("XXX 2014J", LATE, "Pass", None,
                  [(0, 10, 80), (1, 60, 0), *[(i, d, 80) for i, d in enumerate(DUE) if i > 1]]))
    return found


def assessment_id(presentation: str, index: int) -> int:
    return (PRESENTATIONS.index(presentation) + 1) * 100 + index


def write_planted(folder: Path) -> Path:
    """Write the planted folder and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder, "courses.csv", ["code_module", "code_presentation",
                                   "module_presentation_length"],
           [[*p.split(), LENGTH] for p in PRESENTATIONS])
    _write(folder, "assessments.csv", ["code_module", "code_presentation", "id_assessment",
                                       "assessment_type", "date", "weight"],
           [[*p.split(), assessment_id(p, i), "TMA", day, WEIGHTS[i]]
            for p in PRESENTATIONS for i, day in enumerate(DUE)]
           + [[*p.split(), assessment_id(p, 9), "Exam", None, 100] for p in PRESENTATIONS])
    students = _students()
    _write(folder, "studentInfo.csv",
           ["code_module", "code_presentation", "id_student", *PROTECTED,
            "num_of_prev_attempts", "studied_credits", "final_result"],
           [[*p.split(), s, *PROTECTED.values(), 0, 60, result]
            for p, s, result, _, _ in students])
    _write(folder, "studentRegistration.csv",
           ["code_module", "code_presentation", "id_student", "date_registration",
            "date_unregistration"],
           [[*p.split(), s, -20, gone] for p, s, _, gone, _ in students])
    _write(folder, "studentAssessment.csv",
           ["id_assessment", "id_student", "date_submitted", "is_banked", "score"],
           [[assessment_id(p, i), s, day, 0, score]
            for p, s, _, _, work in students for i, day, score in work])
    return folder
