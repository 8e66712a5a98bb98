"""Richer day-*d* gradebook features of an OULAD registration, for the evaluation's learned model.

Pure: no Flask, no database. Each feature is something a school's gradebook already holds on
day *d* — the dates work was due and handed in, its scores, the missing marks, the enrolment
date and the class's marks — never clicks, never a protected attribute,
never anything after day *d*. The portal's own indicators (`oulad.indicators_for_class`) come
first; these add detail the rules summarise away (e.g. how many pieces in a row are missing).
"""

from bisect import bisect_left
from collections import defaultdict

from portal.risk.oulad import PASS_MARK, RECENT_DAYS, Registration, indicators_for_class

EXTRA = ("work_due", "work_handed_in", "missing_in_a_row", "days_since_last_hand_in",
         "handed_in_recently", "latest_score", "lowest_score", "scores_below_pass",
         "days_early_average", "class_rank", "handed_in_vs_class",
         "enrolled_days_before_start")


def gradebook_on(registration: Registration, day: int) -> dict:
    """Return the extra features of one registration on a day (None where nothing is known)."""
    due = [w for w in registration.work if w.due < day]
    handed = {ident: sub for ident, sub in registration.submissions.items() if sub[0] <= day}
    dated = {w.id: w.due for w in registration.work}
    in_a_row = 0
    for work in reversed(due):
        if work.id in handed:
            break
        in_a_row += 1
    days = [submitted for submitted, _ in handed.values()]
    scores = [handed[w.id][1] for w in registration.work
              if w.id in handed and handed[w.id][1] is not None]
    early = [dated[ident] - submitted for ident, (submitted, _) in handed.items()]
    since = max(days) if days else max(registration.registered, 0)
    return {
        "work_due": len(due),
        "work_handed_in": len(handed),
        "missing_in_a_row": in_a_row,
        "days_since_last_hand_in": day - since,
        "handed_in_recently": sum(1 for d in days if d > day - RECENT_DAYS),
        "latest_score": scores[-1] if scores else None,
        "lowest_score": min(scores) if scores else None,
        "scores_below_pass": sum(1 for s in scores if s < PASS_MARK),
        "days_early_average": round(sum(early) / len(early), 1) if early else None,
        "enrolled_days_before_start": max(-registration.registered, 0),
    }


def features_for_class(registrations: list[Registration], day: int) -> dict[int, dict]:
    """Return {index: the portal's indicators and the extra features} for those enrolled."""
    found = indicators_for_class(registrations, day)
    for index, values in found.items():
        values.update(gradebook_on(registrations[index], day))
    _class_relative(registrations, found)
    return found


def _class_relative(registrations: list[Registration], found: dict) -> None:
    """Add the rank of the grade average in the class and hand-ins against the class mean."""
    averages, handed = defaultdict(list), defaultdict(list)
    for index, values in found.items():
        presentation = registrations[index].presentation
        handed[presentation].append(values["work_handed_in"])
        if values["grade_average"] is not None:
            averages[presentation].append(values["grade_average"])
    ordered = {key: sorted(values) for key, values in averages.items()}
    mean_handed = {key: sum(values) / len(values) for key, values in handed.items()}
    for index, values in found.items():
        presentation = registrations[index].presentation
        average, marks = values["grade_average"], ordered.get(presentation, [])
        values["class_rank"] = None if average is None else round(
            100.0 * bisect_left(marks, average) / len(marks), 1)
        values["handed_in_vs_class"] = round(
            values["work_handed_in"] - mean_handed[presentation], 2)
