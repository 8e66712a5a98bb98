"""Dashboard figures write counts with the language's thousands separator and never "-0.0"."""

import math
from datetime import date

from babel import Locale
from flask import render_template
from flask_babel import force_locale

from portal.core.formats import format_number, format_percentage
from portal.core.templating import chart_value
from portal.dashboards import figures
from portal.dashboards.impact_estimate import DESIGNS, Effect, displayed

FOLLOW_UP = {"flagged": 4428, "median_days": 12, "window_over": 4400, "contacted": 50.0,
             "intervention": 25.0, "either": 60.0,
             "buckets": [(0, 2, 4428), (2, 4, 0), (4, None, 0)]}


def test_a_negative_figure_that_rounds_to_zero_is_shown_as_zero(app):
    english, french = Locale.parse("en"), Locale.parse("fr")
    assert format_number(-0.04, english, 1) == "0.0"
    assert format_number(-0.0004, french) == "0"
    assert format_number(-0.06, french, 1) == "-0,1"
    assert format_percentage(-0.04, english) == "0.0%"
    with app.test_request_context():
        assert chart_value(-0.04) == "0"
    study = figures.event_study_figure(
        [{"week": 0, "participants": -0.04, "comparison": 0.2}], "attendance")
    assert math.copysign(1, study["data"][0]["y"][0]) == 1  # 0.0, not -0.0


def test_the_balance_table_writes_its_means_in_the_pages_language(app):
    effect = Effect(enrolled=4428, analysed=1200, comparison_students=3000, clusters=40,
                    excluded={"no_match": 1500}, event=[], participant_change=None,
                    comparison_change=None, estimate=None, low=None, high=None,
                    status="too_few", balance=[{"feature": "slope", "participants": -0.04,
                                                "comparison": 1234.56, "smd": 0.01}])
    with app.test_request_context(), force_locale("en"):
        page = render_template("dashboards/_impact_result.html", outcome="attendance",
                               scope="school", subject="program",
                               result={"effect": effect, "shown": displayed(effect),
                                       "design": DESIGNS["attendance"], "since": date(2026, 9, 1),
                                       "chart": {"data": [], "layout": {}}})
    assert "<td>0.0</td><td>1,234.6</td>" in page and "-0.0" not in page
    assert "4,428 enrolled; 1,200 analysed; 1,500 had no comparable" in page


def test_counts_over_999_carry_the_thousands_separator(app):
    with app.test_request_context():
        with force_locale("en"):
            english = render_template("dashboards/_flag_follow_up.html", follow_up=FOLLOW_UP)
        with force_locale("de"):
            german = render_template("dashboards/_flag_follow_up.html", follow_up=FOLLOW_UP)
    assert "<td>4,428</td>" in english and "<td>4.428</td>" in german
    assert "4,428 students are on the watch list" in english and "Of the 4,400 flagged" in english
    assert "4.428" in german.split("<table")[0] and "4428" not in german
    behaviour = figures.behaviour_figure([{"week": date(2026, 11, 16), "incidents": 4428}],
                                         lambda **params: "")
    assert behaviour["layout"]["yaxis"]["separatethousands"] is True
    assert behaviour["layout"]["yaxis"]["hoverformat"] == ","  # %{y} in the hover: 4,428
