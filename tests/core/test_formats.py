"""Numbers, percentages, dates and chart locales written the way each language writes them."""

from datetime import date, datetime

import pytest
from babel import Locale
from flask_babel import force_locale

from portal.core.formats import format_names, format_number, format_percentage
from portal.dashboards.plotly_locale import plotly_locale

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(("language", "percentage", "number"), [
    ("en", "98.4%", "1,234.5"),
    ("fr", f"98,4{NBSP}%", f"1{NNBSP}234,5"),
    ("cs", f"98,4{NBSP}%", f"1{NBSP}234,5"),
    ("de", f"98,4{NBSP}%", "1.234,5"),
    ("fa", "۹۸٫۴%", "۱٬۲۳۴٫۵"),  # Persian digits and separators
    ("zh_Hans", "98.4%", "1,234.5"),
])
def test_numbers_and_percentages_follow_the_language(language, percentage, number):
    locale = Locale.parse(language)
    assert format_percentage(98.4, locale) == percentage
    assert format_number(1234.5, locale) == number


@pytest.mark.parametrize(("language", "three", "two"), [
    ("en", "Ana, Ben, and Cleo", "Ana and Ben"),
    ("es", "Ana, Ben y Cleo", "Ana y Ben"),
    ("de", "Ana, Ben und Cleo", "Ana und Ben"),
    ("fa", "Ana،\u200f Ben، و Cleo", "Ana و Ben"),
    ("zh_Hans", "Ana、Ben和Cleo", "Ana和Ben"),
])
def test_names_are_listed_the_way_the_language_lists_them(language, three, two):
    locale = Locale.parse(language)
    assert format_names(["Ana", "Ben", "Cleo"], locale) == three
    assert format_names(["Ana", "Ben"], locale) == two
    assert format_names(["Ana"], locale) == "Ana" and format_names([], locale) == ""


def test_percentages_show_a_decimal_only_when_there_is_one():
    french = Locale.parse("fr")
    assert format_percentage(50, french) == f"50{NBSP}%"
    assert format_percentage(87.5, french, 0) == f"88{NBSP}%"
    assert format_number(3, french, 1) == "3,0"


@pytest.mark.parametrize(("language", "rate", "day"), [
    ("fr", f"98,4{NBSP}%", "25 nov. 2026"),
    ("cs", f"98,4{NBSP}%", "25. 11. 2026"),
    ("fa", "۹۸٫۴%", "۲۵ نوامبر ۲۰۲۶"),
])
def test_template_filters_write_percentages_and_dates_for_the_page(app, language, rate, day):
    template = app.jinja_env.from_string("{{ rate|percent }}|{{ day|date }}|{{ none|percent }}")
    with app.test_request_context(), force_locale(language):
        assert template.render(rate=98.4, day=date(2026, 11, 25), none=None) == f"{rate}|{day}|—"


def test_the_datetime_filter_uses_the_languages_digits(app):
    with app.test_request_context(), force_locale("fa"):
        shown = app.jinja_env.from_string("{{ when|datetime('short') }}").render(
            when=datetime(2026, 11, 25, 15, 0))
    assert shown and not any(character.isascii() and character.isdigit() for character in shown)


def test_plotly_gets_the_languages_months_days_and_separators():
    french = plotly_locale("fr")
    assert french["name"] == "fr" and french["moduleType"] == "locale"
    assert french["format"]["months"][0] == "janvier" and len(french["format"]["months"]) == 12
    assert french["format"]["shortDays"][0] == "dim."  # d3 weeks start on Sunday
    assert (french["format"]["decimal"], french["format"]["thousands"]) == (",", NNBSP)
    persian = plotly_locale("fa")
    assert persian["format"]["decimal"] == "٫" and persian["format"]["months"][10] == "نوامبر"
    assert plotly_locale("zh_Hans")["name"] == "zh-Hans"


def test_the_chart_locale_is_served_for_portal_languages_only(client):
    czech = client.get("/dashboards/plotly-locale/cs.json")
    assert czech.status_code == 200 and czech.json["format"]["months"][0] == "leden"
    assert client.get("/dashboards/plotly-locale/zh-Hans.json").json["name"] == "zh-Hans"
    assert client.get("/dashboards/plotly-locale/xx.json").status_code == 404


def test_a_number_is_written_the_same_whatever_was_written_before():
    english = Locale("en")  # numbers are remembered once written: order must not matter
    assert [format_number(value, english) for value in (-0.0, 0.0, 0, 84, 84.0, 1.5)] == \
        ["0", "0", "0", "84", "84", "1.5"]
    assert [format_number(value, english) for value in (0.0, -0.0)] == ["0", "0"]
    assert format_number(2, english, digits=1) == format_number(2.0, english, digits=1) == "2.0"
    assert format_percentage(-0.0, english) == format_percentage(0.0, english) == "0%"
