"""The risk indicators, trends and reasons in the reader's language (scoring.py stays plain
English codes and numbers; the words are chosen here, where they are shown)."""

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core.formats import format_number, format_percentage
from portal.risk import bp

INDICATOR_LABELS = {
    "attendance_rate_term": _l("attendance this term"),
    "attendance_rate_recent": _l("attendance in the last 4 weeks"),
    "attendance_trend": _l("attendance change per week"),
    "grade_average": _l("grade average, latest period"),
    "grade_change": _l("grade change since the previous period"),
    "missing_work_share": _l("share of work due not handed in"),
    "missing_work_count": _l("pieces of work missing"),
    "missing_work_recent": _l("pieces of work missing, due in the last 4 weeks"),
    "late_work_share": _l("share of work handed in late"),
    "score_trend": _l("score change per piece of work"),
    "score_vs_class": _l("average score relative to the class"),
    "failing_core_subjects": _l("failing core subjects"),
    "failing_subjects": _l("failing subjects"),
    "behaviour_incidents_term": _l("behaviour incidents this term"),
    "behaviour_incidents_recent": _l("behaviour incidents in the last 4 weeks"),
    "past_course_failures": _l("past course failures"),
    "days_since_family_contact": _l("days since the last successful family contact"),
    "missed_parent_events": _l("missed parent events and conferences"),
}
TREND_LABELS = {"falling": _l("falling"), "rising": _l("rising"), "steady": _l("steady")}
UNIT_LABELS = {"": "", "%": "%", "points": _l("points"), "days": _l("days")}


@bp.app_template_global()
def indicator_label(name: str, fallback: str = "") -> str:
    """Return an indicator's name in the page's language."""
    return str(INDICATOR_LABELS.get(name, fallback or name))


@bp.app_template_global()
def unit_label(unit: str) -> str:
    """Return the unit written after a threshold field (points, days, %)."""
    return str(UNIT_LABELS.get(unit.strip(), unit))


@bp.app_template_global()
def measure(value: float, unit: str) -> str:
    """Write a value with its unit for the page's language: "84 %", "-3 points"."""
    locale, unit = get_locale(), unit.strip()
    if unit == "%":
        return format_percentage(value, locale)
    number = format_number(value, locale)
    if unit == "points":
        return _("%(number)s points", number=number)
    if unit == "days":
        return _("%(number)s days", number=number)
    return number


@bp.app_template_global()
def reason_text(reason: dict) -> str:
    """Say one reason: "attendance in the last 4 weeks 84 %, below 90 %, falling"."""
    values = {"indicator": indicator_label(reason["indicator"], reason.get("label", "")),
              "value": measure(reason["value"], reason.get("unit", "")),
              "threshold": measure(reason["threshold"], reason.get("unit", ""))}
    if reason["direction"] == "below":
        text = _("%(indicator)s %(value)s, below %(threshold)s", **values)
    else:
        text = _("%(indicator)s %(value)s, at least %(threshold)s", **values)
    trend = reason.get("trend")
    return _("%(reason)s, %(trend)s", reason=text, trend=TREND_LABELS[trend]) if trend else text
