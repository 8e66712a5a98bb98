"""Richer day-*d* gradebook features of an OULAD registration, for the evaluation's learned model.

Pure: no Flask, no database. Each feature is something a school's gradebook already holds on
day *d* — the dates work was due and handed in, its scores, the missing marks, the enrolment
date, the class's marks and each piece's weight in the module's mark — never clicks, never a
protected attribute, never anything after day *d*. The portal's own indicators
(`oulad.indicators_for_class`) come first; these add detail the rules summarise away (e.g. how
many pieces in a row are missing, the weighted score so far, the mark against classmates').
"""

from bisect import bisect_left
from collections import defaultdict
from statistics import fmean, pstdev

from portal.risk.oulad import PASS_MARK, RECENT_DAYS, Registration, indicators_for_class

EXTRA = ("work_due", "work_handed_in", "missing_in_a_row", "days_since_last_hand_in",
         "handed_in_recently", "latest_score", "lowest_score", "scores_below_pass",
         "days_early_average", "class_rank", "handed_in_vs_class",
         "enrolled_days_before_start", "weighted_score_so_far", "missing_weight_share",
         "score_vs_classmates")
CLASSMATES = 5  # a piece of work is compared with the class once this many have marks


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
    weight_due = sum(w.weight for w in due)
    missing_weight = sum(w.weight for w in due if w.id not in handed)
    earned = sum(w.weight * (handed[w.id][1] or 0) for w in due if w.id in handed)
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
        # the mark earned on the work due so far, missing work counting 0 (0–100)
        "weighted_score_so_far": round(earned / weight_due, 1) if weight_due else None,
        "missing_weight_share": round(100.0 * missing_weight / weight_due, 1)
        if weight_due else None,
    }


def features_for_class(registrations: list[Registration], day: int) -> dict[int, dict]:
    """Return {index: the portal's indicators and the extra features} for those enrolled."""
    found = indicators_for_class(registrations, day)
    for index, values in found.items():
        values.update(gradebook_on(registrations[index], day))
    _class_relative(registrations, found)
    _against_classmates(registrations, found, day)
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


def _against_classmates(registrations: list[Registration], found: dict, day: int) -> None:
    """Add each student's mean z-score against the classmates marked on the same pieces by day."""
    marks = defaultdict(list)
    for index in found:
        for ident, (submitted, score) in registrations[index].submissions.items():
            if submitted <= day and score is not None:
                marks[ident].append(score)
    spread = {ident: (fmean(scores), pstdev(scores) or 1.0)
              for ident, scores in marks.items() if len(scores) >= CLASSMATES}
    for index, values in found.items():
        z = [(score - spread[ident][0]) / spread[ident][1]
             for ident, (submitted, score) in registrations[index].submissions.items()
             if submitted <= day and score is not None and ident in spread]
        values["score_vs_classmates"] = round(fmean(z), 2) if z else None
