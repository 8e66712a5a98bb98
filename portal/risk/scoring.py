"""Turn a student's indicators and a school's rule settings into a score, a level and reasons.

Pure: no Flask, no database. A rule fires when its indicator's value is below (or at least)
its threshold; the score is the sum of the weights of the rules that fired.
"""

from copy import deepcopy
from dataclasses import dataclass, field

BELOW = "below"
AT_LEAST = "at_least"

NONE, WATCH, HIGH = "none", "watch", "high"


@dataclass(frozen=True)
class IndicatorRule:
    """An indicator the engine knows, with its default threshold and weight."""

    name: str
    label: str
    direction: str
    threshold: float
    weight: float
    unit: str = ""
    trend_from: str | None = None  # the indicator whose sign says falling / rising


RULES = (
    IndicatorRule("attendance_rate_term", "attendance this term", BELOW, 90, 2, "%",
                  "attendance_trend"),
    IndicatorRule("attendance_rate_recent", "attendance in the last 4 weeks", BELOW, 90, 2, "%",
                  "attendance_trend"),
    IndicatorRule("attendance_trend", "attendance change per week", BELOW, -2, 1, " points"),
    IndicatorRule("grade_average", "grade average, latest period", BELOW, 60, 2, "%",
                  "grade_change"),
    IndicatorRule("grade_change", "grade change since the previous period", BELOW, -10, 1,
                  " points"),
    IndicatorRule("missing_work_share", "share of work due not handed in", AT_LEAST, 20, 2,
                  "%"),
    IndicatorRule("missing_work_count", "pieces of work missing", AT_LEAST, 2, 1),
    IndicatorRule("missing_work_recent", "pieces of work missing, due in the last 4 weeks",
                  AT_LEAST, 1, 1),
    IndicatorRule("late_work_share", "share of work handed in late", AT_LEAST, 30, 1, "%"),
    IndicatorRule("score_trend", "score change per piece of work", BELOW, -3, 1, " points"),
    IndicatorRule("score_vs_class", "average score relative to the class", BELOW, -15, 1,
                  " points", "score_trend"),
    IndicatorRule("failing_core_subjects", "failing core subjects", AT_LEAST, 1, 2),
    IndicatorRule("failing_subjects", "failing subjects", AT_LEAST, 2, 1),
    IndicatorRule("behaviour_incidents_term", "behaviour incidents this term", AT_LEAST, 3, 1),
    IndicatorRule("behaviour_incidents_recent", "behaviour incidents in the last 4 weeks",
                  AT_LEAST, 2, 1),
    IndicatorRule("past_course_failures", "past course failures", AT_LEAST, 1, 2),
    IndicatorRule("days_since_family_contact", "days since the last successful family contact",
                  AT_LEAST, 60, 1, " days"),
    IndicatorRule("missed_parent_events", "missed parent events and conferences", AT_LEAST, 2, 1),
)
RULES_BY_NAME = {rule.name: rule for rule in RULES}

DEFAULT_SETTINGS = {
    "rules": {rule.name: {"threshold": rule.threshold, "weight": rule.weight, "enabled": True}
              for rule in RULES},
    "watch_score": 2.0,
    "high_score": 4.0,
    "high_cap": None,  # at most this many "high" flags per school (top-k by score), or None
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
        else:
            merged[key] = value
    return merged


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


def score_student(indicators: dict, settings: dict | None = None) -> Assessment:
    """Score one student's indicators under a rule set; every fired rule becomes a reason."""
    settings = merged_settings(settings)
    reasons = []
    for rule in RULES:
        chosen = settings["rules"][rule.name]
        value = indicators.get(rule.name)
        if not chosen.get("enabled", True) or value is None:
            continue
        if fires(rule.direction, value, chosen["threshold"]):
            trend = indicators.get(rule.trend_from) if rule.trend_from else None
            reasons.append({
                "indicator": rule.name, "label": rule.label, "value": round(float(value), 1),
                "threshold": chosen["threshold"], "direction": rule.direction,
                "trend": trend_of(trend), "weight": chosen["weight"], "unit": rule.unit,
            })
    reasons.sort(key=lambda reason: -reason["weight"])
    score = round(sum(reason["weight"] for reason in reasons), 2)
    return Assessment(score=score, level=level_for(score, settings), reasons=reasons)


def slope(points: list[tuple[float, float]]) -> float | None:
    """Return the least-squares slope of (x, y) points, or None with fewer than three."""
    if len(points) < 3:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if not spread:
        return None
    return round(sum((x - mean_x) * (y - mean_y) for x, y in points) / spread, 2)


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


def describe_reason(reason: dict) -> str:
    """Say a reason in words: "attendance in the last 4 weeks 84 %, below 90 %, falling"."""
    unit = reason.get("unit", "")
    direction = "below" if reason["direction"] == BELOW else "at least"
    text = (f"{reason['label']} {reason['value']:g}{unit}, "
            f"{direction} {reason['threshold']:g}{unit}")
    return f"{text}, {reason['trend']}" if reason.get("trend") else text
