"""Text helpers: CSV cells a spreadsheet would run as formulas are quoted."""

import pytest

from portal.core.text import spreadsheet_safe

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1", "-2", "@SUM(A1:A9)", "\t=1+1",
            "\r=1+1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_a_spreadsheet_would_run_is_quoted(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["Called home", "", "a=b", "2026-11-25", 7, -2, 1.5, None,
                                   True])
def test_plain_text_and_numbers_are_kept(value):
    assert spreadsheet_safe(value) == value
