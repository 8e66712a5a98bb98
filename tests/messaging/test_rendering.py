"""Templates render in Jinja's sandbox: no way out, clear messages, escaped HTML."""

import random

import pytest

from portal.messaging.rendering import (
    OUTPUT_LIMIT,
    TemplateProblem,
    _environment,
    _plain,
    render_message,
    render_text,
    text_to_html,
)

FIELDS = {"guardian_name": "Maria Lopez", "student_name": "Ana"}


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__ }}",
    "{{ guardian_name.__class__.__base__.__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
])
def test_template_reaching_python_internals_fails_with_a_clear_message(source):
    with pytest.raises(TemplateProblem) as problem:
        render_message(subject="Hello", body=source, fields=FIELDS)
    message = str(problem.value)
    assert "merge field" in message and "guardian_name" in message
    assert "object at 0x" not in message


@pytest.mark.parametrize(("source", "named"), [
    ("{% for i in range(9999) %}{% for j in range(9999) %}x{% endfor %}{% endfor %}",
     "loops ({% for %})"),
    ("{{ 'x' * 50000000 }}", "arithmetic"),
    ("{{ guardian_name ~ guardian_name }}", "joining with ~"),
    ("{% set name = 'x' %}{{ name }}", "{% set %}"),
    ("{% macro m() %}x{% endmacro %}", "macros"),
    ("{% include 'other.txt' %}", "{% include %}"),
    ("{% import 'other.txt' as other %}", "{% import %}"),
    ("{{ range(3) }}", "calling functions"),
    ("{{ guardian_name | center(50000000) }}", "the filter center is not allowed"),
    ("Hello\n{{ student_name[0] }}", "Line 2: indexes"),
])
def test_only_merge_fields_and_simple_conditionals_are_accepted(source, named):
    with pytest.raises(TemplateProblem) as problem:
        render_message(subject="Hi", body=source, fields=FIELDS)
    assert named in str(problem.value)
    assert "{% if %} / {% elif %} / {% else %}" in str(problem.value)


def test_conditionals_and_plain_filters_render():
    body = ("{% if student_name == 'Ana' %}Ana{% elif not guardian_name %}nobody"
            "{% else %}other{% endif %}, {{ guardian_name | upper }}"
            "{{ ' (soon)' if student_name else '' }}")
    assert render_message(subject="s", body=body, fields=FIELDS)[1] == "Ana, MARIA LOPEZ (soon)"


def test_output_over_the_cap_is_refused_with_a_clear_message():
    fields = {**FIELDS, "student_name": "x" * (OUTPUT_LIMIT // 2)}
    assert render_message(subject="s", body="{{ student_name }}", fields=fields)
    with pytest.raises(TemplateProblem, match="longer than 100,000 characters"):
        render_message(subject="s", body="{{ student_name }}{{ student_name }}!",
                       fields=fields)


def test_unknown_merge_field_is_named():
    with pytest.raises(TemplateProblem, match="gardian_name"):
        render_message(subject="Hi", body="Dear {{ gardian_name }}", fields=FIELDS)


def test_syntax_error_names_the_line():
    with pytest.raises(TemplateProblem, match="Line 2"):
        render_message(subject="Hi", body="Hello\n{% if %}", fields=FIELDS)


def test_html_in_a_students_name_is_escaped_in_the_html_part_only():
    fields = {**FIELDS, "student_name": "<script>alert(1)</script>"}
    subject, text, html = render_message(subject="About {{ student_name }}",
                                         body="Dear {{ guardian_name }},\n\n{{ student_name }}",
                                         fields=fields)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" in text
    assert subject == "About <script>alert(1)</script>"


def test_links_become_clickable_in_html():
    _, _, html = render_message(subject="s", body="See https://portal.example/family/inbox",
                                fields=FIELDS)
    assert '<a href="https://portal.example/family/inbox">' in html


def _assorted_templates(count: int) -> list[str]:
    """Templates of text and merge fields only, drawn from awkward pieces (seeded)."""
    pieces = ["Dear ", "{{ guardian_name }}", "{{student_name}}", "{{- school_name -}}",
              "  \n", "\r\n", "\n\n", "{# a note #}", "{% raw %}{{ not_a_field }}{% endraw %}",
              "¡Hola! ", "{ braces } ", "50 % off", "{{ attendance_rate }}", "\t", "\n"]
    draw = random.Random(2026)
    return [
        "".join(draw.choice(pieces) for _ in range(draw.randint(1, 12))) for _ in range(count)]


def test_text_and_fields_alone_are_filled_in_exactly_as_jinja_would():
    fields = {**FIELDS, "school_name": "Oak <High>", "attendance_rate": 96.5}
    for source in ["", "Hello\n", "{{ guardian_name }}\n\n", *_assorted_templates(300)]:
        assert _plain(source) is not None, source  # the quick path, not Jinja, is what runs
        assert render_text(source, fields) == _environment.from_string(source).render(
            **fields), repr(source)


def test_the_quick_path_keeps_the_cap_and_names_an_unknown_field():
    fields = {**FIELDS, "student_name": "x" * OUTPUT_LIMIT}
    with pytest.raises(TemplateProblem, match="longer than 100,000 characters"):
        render_text("{{ student_name }}!", fields)
    with pytest.raises(TemplateProblem, match="school_name"):
        render_text("Dear {{ school_name }}", FIELDS)  # a merge field the caller left out


@pytest.mark.parametrize(("text", "link", "after"), [
    ("Sign up: https://forms.example/f?id=7&lang=es now", "https://forms.example/f?id=7&amp;lang=es",
     " now"),
    ("Read https://portal.example/news.", "https://portal.example/news", "."),
    ("(see https://portal.example/trip)", "https://portal.example/trip", ")"),
    ("Wiki https://en.example/A_(b), then", "https://en.example/A_(b)", ", then"),
    ('Go to https://x.example/"onmouseover="alert(1)', "https://x.example/",
     "&#34;onmouseover=&#34;alert(1)"),
], ids=["query-string", "full-stop", "in-brackets", "brackets-in-address", "quote-ends-it"])
def test_a_link_keeps_its_whole_address_and_not_the_sentences_punctuation(text, link, after):
    html = text_to_html(text)
    assert f'<a href="{link}">{link}</a>{after}' in html
    assert html.count("<a ") == 1


def test_only_web_addresses_become_links():
    html = text_to_html("javascript:alert(1) and ftp://files.example and <b>bold</b>")
    assert "<a " not in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_an_inline_block_keeps_the_line_break_after_it():
    body = ("Dear {{ guardian_name }},{% if student_name %} about {{ student_name }}{% endif %}\n"
            "Next line{# a note #}\n{% if student_name %}Ana{% endif %}\nLast line")
    assert render_text(body, FIELDS) == "Dear Maria Lopez, about Ana\nNext line\nAna\nLast line"


def test_a_line_holding_only_blocks_vanishes_whole():
    body = ("Dear {{ guardian_name }},\n"
            "  {% if student_name %}  \n"
            "About {{ student_name }}.\r\n"
            "{% else %}{# nobody #}\n"
            "Nobody.\n"
            "{% endif %}\n"
            "{# signed by the office #}\n"
            "The school")
    assert render_text(body, FIELDS) == "Dear Maria Lopez,\nAbout Ana.\nThe school"
    with pytest.raises(TemplateProblem, match="Line 4"):  # lines are still counted
        render_text("{% if student_name %}\nA\n{% endif %}\n{{ nobody }}", FIELDS)


def test_a_raw_block_is_left_as_written():
    body = "{% raw %}\n{% if x %}\n{% endraw %}\nEnd"
    assert render_text(body, FIELDS) == "\n{% if x %}\n\nEnd"
