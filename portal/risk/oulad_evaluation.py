"""Replay OULAD presentations fortnight by fortnight: who will fail or withdraw, and how early.

Pure: no Flask, no database. On each day the engine sees only what was known that day
(`portal.risk.oulad.indicators_on` and `oulad_features.gradebook_on`); a model is learned on
the 2013 presentations and judged on the 2014 ones. Every design choice (features, learner,
its settings, the watch cut-off) was made by cross-validation on the 2013 presentations,
grouped by presentation (docs/evaluation.md lists the order), and is frozen here.
numpy and scikit-learn come from the `analysis` extra.
"""

from portal.risk import oulad_metrics as metrics
from portal.risk.oulad import MAPPED, OULAD_SETTINGS, PROTECTED, Registration
from portal.risk.oulad_features import EXTRA, features_for_class
from portal.risk.scoring import NONE, RULES, merged_settings, score_student

CUTOFFS = (28, 56, 84, 126, 168)
STEP = 14  # the watch list is replayed every two weeks for lead time and churn
RECALL_TARGET = 0.75  # the watch cut-off keeps this share of the training year's at-risk
TRAIN_YEAR, TEST_YEAR = "2013", "2014"
INPUT_RULES = [rule for rule in RULES if rule.name in MAPPED]
# Chosen by leave-one-presentation-out cross-validation of the 2013 presentations.
LEARNER = {"max_iter": 100, "learning_rate": 0.05, "max_leaf_nodes": 3,
           "min_samples_leaf": 100, "l2_regularization": 1.0, "random_state": 0}


def feature_names() -> list[str]:
    """Return the learned model's inputs: each indicator and whether its rule fires, extras."""
    names = []
    for rule in INPUT_RULES:
        names += [rule.name, f"{rule.name} fires"]
    return names + list(EXTRA)


def feature_rows(found: dict[int, dict]) -> tuple[list[int], list[list[float]], list[str]]:
    """Return (indexes, rows, rules-only levels) for the features found on one day."""
    settings = merged_settings(OULAD_SETTINGS)
    indexes, rows, levels = [], [], []
    for index, values in found.items():
        assessment = score_student(values, settings)
        fired = {reason["indicator"] for reason in assessment.reasons}
        row = []
        for rule in INPUT_RULES:
            row += [_value(values.get(rule.name)), float(rule.name in fired)]
        indexes.append(index)
        rows.append(row + [_value(values[name]) for name in EXTRA])
        levels.append(assessment.level)
    return indexes, rows, levels


def _value(value) -> float:
    return float("nan") if value is None else float(value)


def _model():
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(**LEARNER)


def _fit(features, at_risk, groups):
    """Learn on the training rows; the watch cut-off comes from held-out presentations."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # one thread: far faster on a busy machine, same result
        held_out = np.full(len(at_risk), np.nan)
        for group in sorted(set(groups)):
            mine = groups == group
            if len(set(at_risk[~mine])) == 2:
                held_out[mine] = _model().fit(features[~mine], at_risk[~mine]).predict_proba(
                    features[mine])[:, 1]
        model = _model().fit(features, at_risk)
    scores = np.sort(held_out[at_risk & ~np.isnan(held_out)])
    cutoff = scores[int((1 - RECALL_TARGET) * len(scores))] if len(scores) else 0.5
    return model, min(float(cutoff), 0.5), held_out


def replay_day(registrations: list[Registration], day: int) -> dict | None:
    """Learn on the training year and predict the test year for one day; None if no data."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    indexes, rows, levels = feature_rows(features_for_class(registrations, day))
    if not rows:
        return None
    indexes, features = np.array(indexes), np.array(rows)
    at_risk = np.array([registrations[i].at_risk for i in indexes])
    train = np.array([registrations[i].year == TRAIN_YEAR for i in indexes])
    test = ~train
    if not test.any() or len(set(at_risk[train])) < 2:
        return None
    unknown = np.isnan(features[train]).all(axis=0)  # e.g. no score trend yet: no information
    features[:, unknown] = 0.0
    groups = np.array([registrations[i].presentation for i in indexes[train]])
    model, cutoff, held_out = _fit(features[train], at_risk[train], groups)
    with threadpool_limits(1):
        probability = model.predict_proba(features[test])[:, 1]
    return {"day": day, "indexes": indexes[test], "at_risk": at_risk[test],
            "probability": probability, "high": probability >= 0.5,
            "watch": probability >= cutoff, "cutoff": cutoff,
            "rules": np.array(levels)[test] != NONE, "train_students": int(train.sum()),
            "held_out": metrics.held_out_report(at_risk[train], held_out)}


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
            "learned": "gradient-boosted trees (scikit-learn HistGradientBoostingClassifier) "
                       "on the portal's indicators, whether each rule fires, and gradebook "
                       "features of day d; one model per replay day; settings chosen by "
                       "leave-one-presentation-out cross-validation of the 2013 presentations; "
                       "the watch cut-off keeps the recall target on held-out presentations",
            "learner": LEARNER, "inputs": feature_names(), "never_inputs": list(PROTECTED)},
        "cutoffs": [_with_training(days[day]) for day in cutoffs if day in days],
        "modules": metrics.modules(registrations, days, cutoffs),
        "lead_time": metrics.lead_time(registrations, days),
        "churn": metrics.churn(days, cutoffs),
        "fairness": {str(day): metrics.fairness(registrations, days[day])
                     for day in cutoffs if day in days},
    }


def _with_training(result: dict) -> dict:
    return {**metrics.cutoff_report(result), "train_students": result["train_students"],
            "watch_cutoff": round(result["cutoff"], 3),
            "training_held_out_presentations": result["held_out"]}
