"""The risk indicators, trends and reasons in the reader's language (scoring.py stays plain
English codes and numbers; the words are chosen here, where they are shown)."""

from collections.abc import Callable

from babel import Locale
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core.formats import format_number, format_percentage
from portal.risk import bp
from portal.risk.rules import N_, RULES_BY_NAME

# The rules' own labels (rules.py, marked N_) name the rules; these name the indicators the
# family to-dos read, which the settings page shows beside their thresholds.
FAMILY_INDICATOR_LABELS = {
    "days_since_family_contact": N_("days since the last successful family contact"),
    "missed_parent_events": N_("missed parent events and conferences"),
}
TREND_LABELS = {"falling": N_("falling"), "rising": N_("rising"), "steady": N_("steady")}
UNIT_LABELS = {"": "", "%": "%", "points": _l("points"), "days": _l("days")}


def _page_language() -> tuple[Locale, Callable[[str], str]]:
    """Return the page's locale and its catalogue's gettext, looked up once for a sentence
    (a dashboard says some two hundred reasons; each lookup goes through Flask's context)."""
    return get_locale(), get_translations().gettext


def _indicator(name: str, fallback: str, translate: Callable[[str], str]) -> str:
    rule = RULES_BY_NAME.get(name)
    label = rule.label if rule is not None else FAMILY_INDICATOR_LABELS.get(name)
    return translate(label) if label else fallback or name


@bp.app_template_global()
def indicator_label(name: str, fallback: str = "") -> str:
    """Return an indicator's name in the page's language."""
    return _indicator(name, fallback, _page_language()[1])


@bp.app_template_global()
def unit_label(unit: str) -> str:
    """Return the unit written after a threshold field (points, days, %)."""
    return str(UNIT_LABELS.get(unit.strip(), unit))


@bp.app_template_global()
def measure(value: float, unit: str) -> str:
    """Write a value with its unit for the page's language: "84 %", "-3 points"."""
    return _measure(value, unit, *_page_language())


def _measure(value: float, unit: str, locale: Locale, translate: Callable[[str], str]) -> str:
    unit = unit.strip()
    if unit == "%":
        return format_percentage(value, locale)
    number = format_number(value, locale)
    if unit == "points":
        return translate(N_("%(number)s points")) % {"number": number}
    if unit == "days":
        return translate(N_("%(number)s days")) % {"number": number}
    return number


@bp.app_template_global()
def reason_text(reason: dict) -> str:
    """Say one reason: "attendance in the last 4 weeks 84 %, below 90 %, falling"."""
    locale, translate = _page_language()
    unit = reason.get("unit", "")
    values = {"indicator": _indicator(reason["indicator"], reason.get("label", ""), translate),
              "value": _measure(reason["value"], unit, locale, translate),
              "threshold": _measure(reason["threshold"], unit, locale, translate)}
    if reason["direction"] == "below":
        text = translate(N_("%(indicator)s %(value)s, below %(threshold)s")) % values
    else:
        text = translate(N_("%(indicator)s %(value)s, at least %(threshold)s")) % values
    trend = reason.get("trend")
    if not trend:
        return text
    return translate(N_("%(reason)s, %(trend)s")) % {"reason": text,
                                                     "trend": translate(TREND_LABELS[trend])}


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
