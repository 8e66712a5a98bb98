"""Replay OULAD presentations fortnight by fortnight: who will fail or withdraw, and how early.

Pure: no Flask, no database. On each day the engine sees only what was known that day
(`portal.risk.oulad.indicators_on`); a model is learned on the 2013 presentations and judged
on the 2014 ones. numpy and scikit-learn come from the `analysis` extra.
"""

import warnings

from portal.risk.oulad import (
    MAPPED,
    OULAD_SETTINGS,
    PROTECTED,
    Registration,
    indicators_for_class,
)
from portal.risk.scoring import NONE, RULES, merged_settings, score_student

CUTOFFS = (28, 56, 84, 126, 168)
STEP = 14  # the watch list is replayed every two weeks for lead time and churn
RECALL_TARGET = 0.75  # the watch cut-off keeps this share of the training year's at-risk
REGULARISATION_GRID = (0.01, 0.1, 1.0, 10.0)
INNER_FOLDS = 5
TRAIN_YEAR, TEST_YEAR = "2013", "2014"
INPUT_RULES = [rule for rule in RULES if rule.name in MAPPED]


def feature_names() -> list[str]:
    """Return the learned model's inputs: each indicator, whether it is known and fires."""
    names = []
    for rule in INPUT_RULES:
        names += [rule.name, f"{rule.name} known", f"{rule.name} fires"]
    return names


def feature_rows(found: dict[int, dict]) -> tuple[list[int], list[list[float]], list[str]]:
    """Return (indexes, rows, rules-only levels) for the indicators found on one day."""
    settings = merged_settings(OULAD_SETTINGS)
    indexes, rows, levels = [], [], []
    for index, indicators in found.items():
        assessment = score_student(indicators, settings)
        fired = {reason["indicator"] for reason in assessment.reasons}
        row = []
        for rule in INPUT_RULES:
            value = indicators.get(rule.name)
            row += [float(value or 0.0), float(value is not None), float(rule.name in fired)]
        indexes.append(index)
        rows.append(row)
        levels.append(assessment.level)
    return indexes, rows, levels


def _fit(features, at_risk):
    import numpy as np
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    # Regularisation by an inner cross-validation of the training year only.
    model = make_pipeline(StandardScaler(), LogisticRegressionCV(
        Cs=REGULARISATION_GRID, cv=INNER_FOLDS, max_iter=2000))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(features, at_risk)
    training = np.sort(model.predict_proba(features)[at_risk, 1])
    cutoff = training[int((1 - RECALL_TARGET) * len(training))] if len(training) else 0.5
    return model, min(cutoff, 0.5)


def replay_day(registrations: list[Registration], day: int) -> dict | None:
    """Learn on the training year and predict the test year for one day; None if no data."""
    import numpy as np

    found = indicators_for_class(registrations, day)
    indexes, rows, levels = feature_rows(found)
    if not rows:
        return None
    indexes, features = np.array(indexes), np.array(rows)
    at_risk = np.array([registrations[i].at_risk for i in indexes])
    train = np.array([registrations[i].year == TRAIN_YEAR for i in indexes])
    test = ~train
    if not test.any() or len(set(at_risk[train])) < 2:
        return None
    model, cutoff = _fit(features[train], at_risk[train])
    probability = model.predict_proba(features[test])[:, 1]
    return {"day": day, "indexes": indexes[test], "at_risk": at_risk[test],
            "probability": probability, "high": probability >= 0.5,
            "watch": probability >= cutoff, "cutoff": float(cutoff),
            "rules": np.array(levels)[test] != NONE, "train_students": int(train.sum())}


def evaluate(registrations: list[Registration], *, cutoffs=CUTOFFS, step: int = STEP) -> dict:
    """Replay the presentations; return the report (percentages 0–100, AUC 0–1)."""
    longest = max((r.length for r in registrations), default=0)
    grid = sorted(set(range(step, longest, step)) | set(cutoffs))
    days = {day: replay_day(registrations, day) for day in grid}
    days = {day: result for day, result in days.items() if result is not None}
    return {
        "source": "OULAD, Kuzilek, Hlosta & Zdrahal (2017), Sci. Data 4:170171, CC BY 4.0",
        "train": sorted({r.presentation for r in registrations if r.year == TRAIN_YEAR}),
        "test": sorted({r.presentation for r in registrations if r.year == TEST_YEAR}),
        "protocol": {
            "positive": "final result Fail or Withdrawn", "replay_step_days": step,
            "recall_target": RECALL_TARGET,
            "learned": "logistic regression on the portal's indicators (value, known, rule "
                       "fires); regularisation by an inner "
                       f"{INNER_FOLDS}-fold cross-validation and the watch cut-off chosen "
                       "on the training presentations only",
            "inputs": feature_names(), "never_inputs": list(PROTECTED)},
        "cutoffs": [_cutoff_report(days[day]) for day in cutoffs if day in days],
        "lead_time": _lead_time(registrations, days),
        "churn": _churn(days, cutoffs),
        "fairness": {str(day): _fairness(registrations, days[day])
                     for day in cutoffs if day in days},
    }


def _percent(part, whole) -> float | None:
    return round(100.0 * float(part) / float(whole), 1) if whole else None


def _precision_recall(flagged, at_risk) -> dict:
    hits = (flagged & at_risk).sum()
    return {"precision": _percent(hits, flagged.sum()), "recall": _percent(hits, at_risk.sum()),
            "flagged": int(flagged.sum())}


def _cutoff_report(result: dict) -> dict:
    from sklearn.metrics import roc_auc_score

    at_risk = result["at_risk"]
    both = len(set(at_risk)) == 2
    return {
        "day": result["day"], "students": len(at_risk), "train_students": result["train_students"],
        "base_rate": _percent(at_risk.sum(), len(at_risk)),
        "auc": round(float(roc_auc_score(at_risk, result["probability"])), 3) if both else None,
        "accuracy": _percent((result["high"] == at_risk).sum(), len(at_risk)),
        "high": _precision_recall(result["high"], at_risk),
        "watch": _precision_recall(result["watch"], at_risk),
        "rules_only": _precision_recall(result["rules"], at_risk),
        "watch_cutoff": round(result["cutoff"], 3),
    }


def first_flags(days: dict) -> dict[int, int]:
    """Return {registration index: the first replay day it was on the watch list}."""
    first = {}
    for day in sorted(days):
        result = days[day]
        for index, flagged in zip(result["indexes"], result["watch"], strict=True):
            if flagged and int(index) not in first:
                first[int(index)] = day
    return first


def _lead_time(registrations: list[Registration], days: dict) -> dict:
    import numpy as np

    first = first_flags(days)
    seen = {int(i) for result in days.values() for i in result["indexes"]}
    leads, unknown = [], 0
    for index in sorted(seen):
        registration = registrations[index]
        if not registration.at_risk:
            continue
        if registration.event_day() is None:
            unknown += 1
            continue
        flagged_on = first.get(index)
        leads.append(0.0 if flagged_on is None else (registration.event_day() - flagged_on) / 7)
    leads = np.array(leads)
    return {
        "students": len(leads), "never_flagged": int(sum(i not in first for i in seen
                                                         if registrations[i].at_risk)),
        "withdrawn_without_a_date": unknown,
        "median_weeks": round(float(np.median(leads)), 1) if len(leads) else None,
        "share_4_weeks": _percent((leads >= 4).sum(), len(leads)),
        "share_8_weeks": _percent((leads >= 8).sum(), len(leads)),
        "note": "weeks from the first fortnightly replay day on the watch list to the "
                "withdrawal day or the presentation's end; never flagged counts as 0",
    }


def _churn(days: dict, cutoffs) -> dict:
    steps = []
    present = [day for day in cutoffs if day in days]
    for before, after in zip(present, present[1:], strict=False):
        was = {int(i) for i, f in zip(days[before]["indexes"], days[before]["watch"],
                                      strict=True) if f}
        now = {int(i) for i, f in zip(days[after]["indexes"], days[after]["watch"],
                                      strict=True) if f}
        still = {int(i) for i in days[after]["indexes"]}
        steps.append({"from": before, "to": after, "on_list_before": len(was),
                      "entered": len(now - was), "left_still_enrolled": len((was - now) & still),
                      "left_by_withdrawing": len(was - still), "stayed": len(was & now)})
    return {"between_cutoffs": steps}


def _fairness(registrations: list[Registration], result: dict) -> dict:
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
                "base_rate": _percent((mine & at_risk).sum(), mine.sum()),
                "error_at_high": _percent((mine & (high != at_risk)).sum(), mine.sum()),
                "watch_recall": _percent((mine & at_risk & watch).sum(), (mine & at_risk).sum()),
                "watch_false_positive_rate": _percent((mine & ~at_risk & watch).sum(),
                                                      (mine & ~at_risk).sum()),
            }
    return report
