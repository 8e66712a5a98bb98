"""The risk indicators, trends and reasons in the reader's language (scoring.py stays plain
English codes and numbers; the words are chosen here, where they are shown)."""

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core.formats import format_number, format_percentage
from portal.risk import bp
from portal.risk.rules import RULES_BY_NAME

# The rules' own labels (rules.py, marked N_) name the rules; these name the indicators the
# family to-dos read, which the settings page shows beside their thresholds.
FAMILY_INDICATOR_LABELS = {
    "days_since_family_contact": _l("days since the last successful family contact"),
    "missed_parent_events": _l("missed parent events and conferences"),
}
TREND_LABELS = {"falling": _l("falling"), "rising": _l("rising"), "steady": _l("steady")}
UNIT_LABELS = {"": "", "%": "%", "points": _l("points"), "days": _l("days")}


@bp.app_template_global()
def indicator_label(name: str, fallback: str = "") -> str:
    """Return an indicator's name in the page's language."""
    rule = RULES_BY_NAME.get(name)
    if rule is not None:
        return _(rule.label)
    return str(FAMILY_INDICATOR_LABELS.get(name, fallback or name))


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


@bp.app_template_global()
def domain_label(label: str) -> str:
    """Return a domain's name (its N_-marked label in rules.py) in the page's language, its
    first letter capitalised (and only that: German nouns keep their capitals)."""
    text = _(label)
    return text[:1].upper() + text[1:]


@bp.app_template_global()
def todo_text(label: str, value) -> str:
    """Say a family to-do ("no successful family contact for 75 days") in the page's language."""
    return _(label, value=value)
