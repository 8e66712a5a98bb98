"""Turn a student's indicators and a school's rule settings into a score, a level and reasons.

Pure: no Flask, no database. A rule fires when its indicator's value is below (or at least)
its threshold. One fact, one vote: a domain (attendance, course performance, missing and late
work, behaviour) adds the largest weight among its fired rules, however many fire, and the
score is the sum over domains. Attendance votes only once enough school days are observed.
The family's contact with the school is never an input: it becomes to-dos beside the flag.
"""

import math
from copy import deepcopy
from dataclasses import dataclass, field

from portal.risk.rules import (
    AT_LEAST,
    ATTENDANCE,
    BELOW,
    COUNT_BOUNDS,
    DOMAINS,
    FAMILY_TODOS,
    RULES,
    RULES_BY_NAME,
    WEIGHT_BOUNDS,
    IndicatorRule,
    threshold_bounds,
)

__all__ = ["AT_LEAST", "BELOW", "DOMAINS", "HIGH", "NONE", "RULES", "RULES_BY_NAME", "WATCH",
           "Assessment", "IndicatorRule", "RuleSetScorer", "cap_high_flags", "family_todos",
           "level_for", "merged_settings", "out_of_range", "score_student", "slope", "steady_slope"]

NONE, WATCH, HIGH = "none", "watch", "high"

DEFAULT_SETTINGS = {
    "rules": {rule.name: {"threshold": rule.threshold, "weight": rule.weight, "enabled": True}
              for rule in RULES},
    "watch_score": 2.0,
    "high_score": 6.0,
    "high_cap": None,  # at most this many "high" flags per school (top-k by score), or None
    "attendance_min_days": 20,  # attendance votes once this many school days are recorded
    "family_todos": {todo.name: todo.threshold for todo in FAMILY_TODOS},
}


@dataclass
class Assessment:
    """The result of scoring one student."""

    score: float
    level: str
    reasons: list[dict] = field(default_factory=list)


def merged_settings(settings: dict | None) -> dict:
    """Return the default settings overlaid with a school's saved ones."""
    merged = deepcopy(DEFAULT_SETTINGS)
    for key, value in (settings or {}).items():
        if key == "rules":
            for name, rule in value.items():
                if name in merged["rules"]:
                    merged["rules"][name].update(rule)
        elif key == "family_todos":
            merged[key].update({name: threshold for name, threshold in value.items()
                                if name in merged[key]})
        else:
            merged[key] = value
    return merged


# The bounds of the settings that are not a rule's: the level cut-offs and the days.
SETTING_BOUNDS = {"watch_score": (0, 100), "high_score": (0, 100),
                  "attendance_min_days": (0, 200)}


def _within(value, bounds: tuple[int, int]) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value) and bounds[0] <= value <= bounds[1])


def out_of_range(settings: dict) -> list[tuple[str, int, int]]:
    """Return (form field, lowest, highest) of every number of these merged settings that
    is not a finite number within its bounds."""
    checked = [(name, settings[name], bounds) for name, bounds in SETTING_BOUNDS.items()]
    checked += [(f"{todo.name}_todo", settings["family_todos"][todo.name], COUNT_BOUNDS)
                for todo in FAMILY_TODOS]
    for rule in RULES:
        chosen = settings["rules"][rule.name]
        checked += [(f"{rule.name}_threshold", chosen["threshold"], threshold_bounds(rule)),
                    (f"{rule.name}_weight", chosen["weight"], WEIGHT_BOUNDS)]
    return [(name, *bounds) for name, value, bounds in checked if not _within(value, bounds)]


def fires(direction: str, value: float, threshold: float) -> bool:
    """Return True when the value crosses the threshold in the rule's direction."""
    return value < threshold if direction == BELOW else value >= threshold


def trend_of(value: float | None) -> str | None:
    """Name the direction of a change: falling, rising or steady."""
    if value is None:
        return None
    if value < -1:
        return "falling"
    if value > 1:
        return "rising"
    return "steady"


# The indicators an attendance rule reads: unusable until enough school days are observed.
ATTENDANCE_READS = frozenset(rule.reads for rule in RULES if rule.domain == ATTENDANCE)


# The last four weeks' rate votes only over this many school days: a holiday shortens the
# window (13 days after the winter break, where two absences would read as 84.6 %).
RECENT_MIN_DAYS = 15


def _hidden_attendance(indicators: dict, min_days: int) -> frozenset:
    """Return the attendance figures too few school days stand behind to vote.

    When `attendance_days` is not given (e.g. a whole-year count), the rates are taken as
    they are. The worse of the term's and the last four weeks' rates is the attendance
    domain's vote: both rules belong to it, and it counts its largest fired weight.
    """
    days = indicators.get("attendance_days")
    if days is not None and days < min_days:
        return ATTENDANCE_READS
    recent_days = indicators.get("attendance_days_recent")
    if recent_days is not None and recent_days < RECENT_MIN_DAYS:
        return frozenset({"attendance_rate_recent"})
    return frozenset()


class RuleSetScorer:
    """Score many students under one rule set: the settings are merged and the enabled rules
    ordered by weight once, not for every student."""

    def __init__(self, settings: dict | None = None):
        self.settings = merged_settings(settings)
        self.min_days = self.settings["attendance_min_days"]
        chosen = self.settings["rules"]
        enabled = [rule for rule in RULES if chosen[rule.name].get("enabled", True)]
        # Reasons are listed heaviest first, ties in the rules' order (a stable sort).
        enabled.sort(key=lambda rule: -chosen[rule.name]["weight"])
        self.rules = [(rule, rule.reads, rule.direction == BELOW, chosen[rule.name]["threshold"],
                       chosen[rule.name]["weight"]) for rule in enabled]

    def score(self, indicators: dict) -> Assessment:
        """Score one student's indicators; every fired rule becomes a reason.

        Each domain counts once, with its largest fired weight (that reason is marked counted).
        """
        hidden = _hidden_attendance(indicators, self.min_days)
        reasons, votes = [], {}
        for rule, reads, below, threshold, weight in self.rules:
            value = None if reads in hidden else indicators.get(reads)
            if value is None or not (value < threshold if below else value >= threshold):
                continue
            trend = None
            if rule.trend_from and rule.trend_from not in hidden:
                trend = indicators.get(rule.trend_from)
            counted = rule.domain not in votes
            if counted:
                votes[rule.domain] = weight
            reasons.append({"indicator": rule.name, "label": rule.label, "domain": rule.domain,
                            "value": round(float(value), 1), "threshold": threshold,
                            "direction": rule.direction, "trend": trend_of(trend),
                            "weight": weight, "unit": rule.unit, "counted": counted})
        score = round(sum(votes.values()), 2)
        return Assessment(score=score, level=level_for(score, self.settings), reasons=reasons)


def score_student(indicators: dict, settings: dict | None = None) -> Assessment:
    """Score one student's indicators under a rule set; every fired rule becomes a reason.

    Each domain counts once, with its largest fired weight (that reason is marked counted).
    """
    return RuleSetScorer(settings).score(indicators)


def family_todos(indicators: dict, settings: dict | None = None, *,
                 thresholds: dict | None = None) -> list[dict]:
    """Return the school's to-dos with the family (never part of the student's level);
    `thresholds`: the settings' merged "family_todos", when the caller has them already."""
    thresholds = thresholds or merged_settings(settings)["family_todos"]
    todos = []
    for todo in FAMILY_TODOS:
        value = indicators.get(todo.name)
        if value is not None and fires(todo.direction, value, thresholds[todo.name]):
            todos.append({"todo": todo.name, "label": todo.label, "value": int(value),
                          "threshold": thresholds[todo.name]})
    return todos


def _line(points: list[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    """Return (slope, mean x, mean y, spread of x) of the least-squares line, or None."""
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if not spread:
        return None
    change = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return change, mean_x, mean_y, spread


def slope(points: list[tuple[float, float]]) -> float | None:
    """Return the least-squares slope of (x, y) points, or None with fewer than three."""
    line = _line(points) if len(points) >= 3 else None
    return round(line[0], 2) if line else None


def steady_slope(points: list[tuple[float, float]], min_points: int = 4) -> float | None:
    """Return the slope when it is more than noise (|t| >= 2), 0.0 when not, None if too few.

    One bad week at the end of steady weeks never reaches |t| = 2, however bad it was.
    """
    line = _line(points) if len(points) >= max(min_points, 3) else None
    if line is None:
        return None
    change, mean_x, mean_y, spread = line
    residuals = sum((y - mean_y - change * (x - mean_x)) ** 2 for x, y in points)
    error = (residuals / (len(points) - 2) / spread) ** 0.5
    clear = change and (not error or abs(change) / error >= 2)
    return round(change, 2) if clear else 0.0


def level_for(score: float, settings: dict) -> str:
    """Return none, watch or high for a score under the rule set's cut-offs."""
    if score >= settings["high_score"]:
        return HIGH
    if score >= settings["watch_score"]:
        return WATCH
    return NONE


def cap_high_flags(assessments: dict, cap: int | None) -> dict:
    """Keep at most `cap` high flags (highest scores first); the others become watch."""
    if cap is None:
        return assessments
    high = sorted((key for key, a in assessments.items() if a.level == HIGH),
                  key=lambda key: (-assessments[key].score, key))
    for key in high[cap:]:
        assessments[key].level = WATCH
    return assessments
