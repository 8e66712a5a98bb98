"""Evaluate the risk engine on a UCI Student Performance file by repeated cross-validation.

The engine's indicators (and whether each rule fires under its thresholds) are the inputs;
the weights of a logistic regression and the "watch" cut-off are learned on the training
folds only, then applied to the held-out fold. numpy and scikit-learn are imported lazily:
the portal runs without them, only this command needs them.
"""

import math
import warnings

from portal.risk.scoring import RULES, merged_settings, score_student
from portal.risk.uci import SETUPS, UCI_SETTINGS, UciStudent, indicators_for

GROUPS = {"gender": "gender", "school": "school", "address (U urban / R rural)": "address"}
RECALL_TARGET = 0.88  # the watch cut-off keeps this share of the training folds' failures
PAPER_PCC = {"A": 91.9, "B": 83.8, "C": 70.6}
REGULARISATION_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
INNER_FOLDS = 5


def feature_rows(students: list[UciStudent], setup: str) -> tuple[list[str], list[list[float]]]:
    """Return feature names and rows: each indicator's value and whether its rule fires."""
    settings = merged_settings(UCI_SETTINGS)
    names, rows = [], []
    present = [rule for rule in RULES if rule.name in indicators_for(students[0], setup)]
    for rule in present:
        names += [rule.name, f"{rule.name} fires"]
    names.append("absence share (log)")
    for student in students:
        indicators = indicators_for(student, setup)
        fired = {r["indicator"] for r in score_student(indicators, settings).reasons}
        row = []
        for rule in present:
            row += [float(indicators[rule.name]), float(rule.name in fired)]
        # Absences matter roughly by their order of magnitude (a few versus dozens).
        row.append(math.log1p(100 - indicators["attendance_rate_term"]))
        rows.append(row)
    return names, rows


def evaluate(students: list[UciStudent], setup: str, *, runs: int = 20, folds: int = 10,
             seed: int = 2026) -> dict:
    """Cross-validate the engine on the rows; return the protocol, metrics and fairness."""
    import numpy as np
    from sklearn.model_selection import KFold

    names, rows = feature_rows(students, setup)
    features = np.array(rows)
    failed = np.array([s.failed for s in students])
    predictions = {"high": [], "watch or high": []}
    for run in range(runs):
        high = np.zeros(len(failed), bool)
        watch = np.zeros(len(failed), bool)
        for train, test in KFold(folds, shuffle=True, random_state=seed + run).split(features):
            model, cutoff = _fit(features[train], failed[train])
            probability = model.predict_proba(features[test])[:, 1]
            high[test] = probability >= 0.5
            watch[test] = probability >= cutoff
        predictions["high"].append(high)
        predictions["watch or high"].append(watch)
    rules_only = np.array([_rules_flag(s, setup) for s in students])
    return {
        "setup": setup, "setup_description": SETUPS[setup], "rows": len(students),
        "failed": int(failed.sum()), "inputs": names,
        "majority_baseline_pcc": round(100 * max(failed.mean(), 1 - failed.mean()), 1),
        "protocol": {"runs": runs, "folds": folds, "seed": seed, "recall_target": RECALL_TARGET,
                     "learned": "logistic regression weights, its regularisation (by an "
                                f"inner {INNER_FOLDS}-fold cross-validation) and the watch "
                                "cut-off, on the training folds only"},
        "paper_pcc": PAPER_PCC[setup],
        "results": {
            "rules only (default settings, nothing learned)":
                _summary([rules_only], failed),
            **{f"learned, {point}": _summary(flags, failed)
               for point, flags in predictions.items()},
        },
        "fairness": {point: _fairness(students, flags, failed)
                     for point, flags in predictions.items()},
    }


def _fit(features, failed):
    import numpy as np
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    # The regularisation strength is chosen by an inner 5-fold cross-validation on the
    # training folds only, so nothing about the held-out fold leaks into the model.
    model = make_pipeline(StandardScaler(), LogisticRegressionCV(
        Cs=REGULARISATION_GRID, cv=INNER_FOLDS, max_iter=5000))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # scikit-learn's attribute renaming
        model.fit(features, failed)
    training = np.sort(model.predict_proba(features)[failed, 1])
    cutoff = training[int((1 - RECALL_TARGET) * len(training))] if len(training) else 0.5
    return model, min(cutoff, 0.5)


def _rules_flag(student: UciStudent, setup: str) -> bool:
    settings = merged_settings(UCI_SETTINGS)
    return score_student(indicators_for(student, setup), settings).level != "none"


def _metrics(flagged, failed) -> dict:
    true_positive = int((flagged & failed).sum())
    precision = true_positive / flagged.sum() if flagged.sum() else 0.0
    recall = true_positive / failed.sum() if failed.sum() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pcc": float((flagged == failed).mean()), "precision": float(precision),
            "recall": float(recall), "f1": float(f1)}


def _summary(flag_runs, failed) -> dict:
    import numpy as np

    per_run = [_metrics(flags, failed) for flags in flag_runs]
    return {name: {"mean": round(100 * float(np.mean([m[name] for m in per_run])), 1),
                   "sd": round(100 * float(np.std([m[name] for m in per_run])), 1)}
            for name in ("pcc", "precision", "recall", "f1")}


def _fairness(students: list[UciStudent], flag_runs, failed) -> dict:
    import numpy as np

    flagged = np.concatenate(flag_runs)
    outcome = np.tile(failed, len(flag_runs))
    report = {}
    for title, attribute in GROUPS.items():
        values = np.tile(np.array([getattr(s, attribute) for s in students]), len(flag_runs))
        report[title] = {}
        for value in sorted(set(values)):
            mine = values == value
            fails, passes = mine & outcome, mine & ~outcome
            report[title][value] = {
                "students": int(mine.sum() // len(flag_runs)),
                "recall": _percent((flagged & fails).sum(), fails.sum()),
                "false_positive_rate": _percent((flagged & passes).sum(), passes.sum()),
            }
    return report


def _percent(part, whole) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def format_report(report: dict, path: str) -> str:
    """Render an evaluation report as the text the command prints."""
    protocol = report["protocol"]
    lines = [
        f"UCI Student Performance — setup {report['setup']}: {report['setup_description']}",
        f"file: {path}",
        f"rows: {report['rows']} (fail {report['failed']}); "
        f"majority-class baseline PCC {report['majority_baseline_pcc']} %",
        f"protocol: {protocol['runs']} runs x {protocol['folds']}-fold cross-validation, "
        f"seed {protocol['seed']}; learned: {protocol['learned']}",
        f"inputs: {', '.join(report['inputs'])}",
        f"paper's best PCC for this setup (Mathematics): {report['paper_pcc']} %", "",
        f"{'':48} {'PCC':>7} {'prec.':>7} {'recall':>7} {'F1':>7}   (for 'fail', mean over runs)",
    ]
    for name, result in report["results"].items():
        cells = " ".join(f"{result[m]['mean']:6.1f}%" for m in ("pcc", "precision", "recall", "f1"))
        lines.append(f"{name:48} {cells}")
    for point, groups in report["fairness"].items():
        lines += ["", f"fairness ({point}): recall and false-positive rate per group"]
        for title, values in groups.items():
            for value, cell in values.items():
                lines.append(f"  {title:30} {value:4} n={cell['students']:<4} "
                             f"recall {cell['recall']}%  FPR {cell['false_positive_rate']}%")
    return "\n".join(lines)
