"""Measure an OULAD replay: each cutoff, each module on its own, lead time, churn, per group.

Pure: no Flask, no database. A replay day is a dict of numpy arrays for the test students
enrolled that day ("indexes", "at_risk", "probability", "high", "watch", "rules").
Percentages are 0–100, AUC 0–1.
"""

from portal.risk.oulad import PROTECTED, Registration

OUTCOMES = {"withdrawn": "Withdrawn", "fail": "Fail"}
BOOTSTRAP, SEED = 200, 2026  # resamples of the students for the AUC's 95 % interval


def percent(part, whole) -> float | None:
    """Return part of whole in percent with one decimal, or None when whole is empty."""
    return round(100.0 * float(part) / float(whole), 1) if whole else None


def _precision_recall(flagged, at_risk) -> dict:
    hits = (flagged & at_risk).sum()
    return {"precision": percent(hits, flagged.sum()), "recall": percent(hits, at_risk.sum()),
            "flagged": int(flagged.sum())}


def cutoff_report(result: dict, keep=None) -> dict:
    """Return one day's figures, for every test student or only those where `keep` is True."""
    from sklearn.metrics import roc_auc_score

    keep = slice(None) if keep is None else keep
    at_risk, probability = result["at_risk"][keep], result["probability"][keep]
    both = len(set(at_risk)) == 2
    return {
        "day": result["day"], "students": len(at_risk),
        "base_rate": percent(at_risk.sum(), len(at_risk)),
        "auc": round(float(roc_auc_score(at_risk, probability)), 3) if both else None,
        "auc_95": auc_interval(at_risk, probability) if both else None,
        "accuracy": percent((result["high"][keep] == at_risk).sum(), len(at_risk)),
        "high": _precision_recall(result["high"][keep], at_risk),
        "watch": _precision_recall(result["watch"][keep], at_risk),
        "rules_only": _precision_recall(result["rules"][keep], at_risk),
    }


def auc_interval(at_risk, probability, *, resamples: int = BOOTSTRAP,
                 seed: int = SEED) -> list[float]:
    """Return the 95 % bootstrap interval of the AUC, resampling students."""
    import numpy as np
    from sklearn.metrics import roc_auc_score

    draw = np.random.default_rng(seed)
    found = []
    for _ in range(resamples):
        pick = draw.integers(0, len(at_risk), len(at_risk))
        if len(set(at_risk[pick])) == 2:
            found.append(roc_auc_score(at_risk[pick], probability[pick]))
    return [round(float(value), 3) for value in np.percentile(found, [2.5, 97.5])]


def held_out_report(at_risk, probability) -> dict | None:
    """Return AUC and accuracy at 0.5 of the training year's held-out-presentation predictions."""
    import numpy as np
    from sklearn.metrics import roc_auc_score

    known = ~np.isnan(probability)
    if len(set(at_risk[known])) < 2:
        return None
    return {"auc": round(float(roc_auc_score(at_risk[known], probability[known])), 3),
            "accuracy": percent(((probability[known] >= 0.5) == at_risk[known]).sum(),
                                known.sum())}


def modules(registrations: list[Registration], days: dict, cutoffs) -> dict:
    """Return each module's own figures per cutoff (its presentations, students, base rate …)."""
    import numpy as np

    report = {}
    for day in (d for d in cutoffs if d in days):
        result = days[day]
        names = np.array([registrations[i].presentation.split()[0] for i in result["indexes"]])
        for module in sorted(set(names)):
            entry = report.setdefault(module, {"presentations": sorted(
                {registrations[i].presentation for i in result["indexes"]
                 if registrations[i].presentation.startswith(f"{module} ")}), "cutoffs": []})
            entry["cutoffs"].append(cutoff_report(result, names == module))
    return report


def first_flags(days: dict) -> dict[int, int]:
    """Return {registration index: the first replay day it was on the watch list}."""
    first = {}
    for day in sorted(days):
        result = days[day]
        for index, flagged in zip(result["indexes"], result["watch"], strict=True):
            if flagged and int(index) not in first:
                first[int(index)] = day
    return first


def lead_time(registrations: list[Registration], days: dict) -> dict:
    """Return weeks from the first flag to the event, overall and for withdrawals and fails."""
    first = first_flags(days)
    seen = sorted({int(i) for result in days.values() for i in result["indexes"]
                   if registrations[int(i)].at_risk})
    dated = [i for i in seen if registrations[i].event_day() is not None]
    report = _lead_summary(registrations, dated, first)
    report.update({
        "withdrawn_without_a_date": len(seen) - len(dated),
        "by_outcome": {name: _lead_summary(registrations, [
            i for i in dated if registrations[i].final_result == result], first)
            for name, result in OUTCOMES.items()},
        "note": "weeks from the first fortnightly replay day on the watch list to the "
                "withdrawal day or, for a fail, the presentation's end; never flagged counts "
                "as 0",
    })
    return report


def _lead_summary(registrations: list[Registration], indexes: list[int], first: dict) -> dict:
    import numpy as np

    leads = np.array([0.0 if i not in first else
                      (registrations[i].event_day() - first[i]) / 7 for i in indexes])
    return {"students": len(leads), "never_flagged": sum(i not in first for i in indexes),
            "median_weeks": round(float(np.median(leads)), 1) if len(leads) else None,
            "share_4_weeks": percent((leads >= 4).sum(), len(leads)),
            "share_8_weeks": percent((leads >= 8).sum(), len(leads))}


def churn(days: dict, cutoffs) -> dict:
    """Return who entered, left and stayed on the watch list between consecutive cutoffs."""
    steps = []
    present = [day for day in cutoffs if day in days]
    for before, after in zip(present, present[1:], strict=False):
        was = _flagged(days[before])
        now = _flagged(days[after])
        still = {int(i) for i in days[after]["indexes"]}
        steps.append({"from": before, "to": after, "on_list_before": len(was),
                      "entered": len(now - was), "left_still_enrolled": len((was - now) & still),
                      "left_by_withdrawing": len(was - still), "stayed": len(was & now)})
    return {"between_cutoffs": steps}


def _flagged(result: dict) -> set[int]:
    return {int(i) for i, f in zip(result["indexes"], result["watch"], strict=True) if f}


def fairness(registrations: list[Registration], result: dict) -> dict:
    """Return the error per group of each protected attribute (never an input) on one day."""
    import numpy as np

    at_risk, watch, high = result["at_risk"], result["watch"], result["high"]
    report = {}
    for attribute in PROTECTED:
        values = np.array([registrations[i].groups[attribute] or "(unknown)"
                           for i in result["indexes"]])
        report[attribute] = {}
        for value in sorted(set(values)):
            mine = values == value
            report[attribute][value] = {
                "students": int(mine.sum()),
                "base_rate": percent((mine & at_risk).sum(), mine.sum()),
                "error_at_high": percent((mine & (high != at_risk)).sum(), mine.sum()),
                "watch_recall": percent((mine & at_risk & watch).sum(), (mine & at_risk).sum()),
                "watch_false_positive_rate": percent((mine & ~at_risk & watch).sum(),
                                                     (mine & ~at_risk).sum()),
            }
    return report
