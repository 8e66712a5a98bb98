"""Render message templates in Jinja's sandbox (pure: no Flask, no database).

A template may hold merge fields (`{{ guardian_name }}`, a few plain filters) and simple
conditionals (`{% if %}`, `{% elif %}`, `{% else %}`) and nothing else: no loops, no
`set`, macros, includes or calls, no arithmetic. It is checked on its parsed tree before
it runs, and what it writes is capped at OUTPUT_LIMIT characters. Any problem raises
TemplateProblem, whose message says what went wrong and where.
"""

import re
from functools import lru_cache

from jinja2 import (
    StrictUndefined,
    Template,
    TemplateError,
    TemplateSyntaxError,
    UndefinedError,
    meta,
    nodes,
)
from jinja2.ext import Extension
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

MERGE_FIELDS = (
    "guardian_name", "student_name", "attendance_rate", "latest_grades", "next_event",
    "portal_link", "school_name",
)
FILTERS = ("default", "upper", "lower", "title", "capitalize", "trim")
OUTPUT_LIMIT = 100_000  # characters of one rendered subject or body
_ALLOWED = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.If, nodes.Name,
            nodes.Const, nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not,
            nodes.CondExpr, nodes.Filter)
_DESCRIPTIONS = {
    nodes.For: "loops ({% for %})", nodes.Macro: "macros", nodes.CallBlock: "{% call %}",
    nodes.Call: "calling functions", nodes.Assign: "{% set %}", nodes.AssignBlock: "{% set %}",
    nodes.Include: "{% include %}", nodes.Import: "{% import %}",
    nodes.FromImport: "{% import %}", nodes.Extends: "{% extends %}",
    nodes.Block: "{% block %}", nodes.FilterBlock: "{% filter %}", nodes.With: "{% with %}",
    nodes.BinExpr: "arithmetic", nodes.UnaryExpr: "arithmetic", nodes.Concat: "joining with ~",
    nodes.Getitem: "indexes ([…])",
}
_RULE = (f"Use only the merge fields {', '.join(MERGE_FIELDS)} and "
         "{% if %} / {% elif %} / {% else %}.")
_LINK = re.compile(r"https?://[^\s<>\"']+")
_TAG = r"\{%(?:[^%\n]|%(?!\}))*%\}|\{#(?:[^#\n]|#(?!\}))*#\}"  # {% block %} or {# comment #}
_TAGS_ALONE = re.compile(rf"^(?P<tags>[ \t]*(?:{_TAG})(?:[ \t]*(?:{_TAG}))*)(?P<end>[ \t]*\r?\n)",
                         re.MULTILINE)
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.DOTALL)


class BlockLines(Extension):
    """Drop the line break of a line holding only tags and comments (`{% endif %}` alone),
    and keep the one after an inline tag (Jinja's trim_blocks drops both)."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        """Move each such line break into a comment, so error messages keep line numbers."""
        raw = [found.span() for found in _RAW.finditer(source)]

        def hidden(found: re.Match) -> str:
            if any(start <= found.start() < end for start, end in raw):
                return found.group(0)
            return found.group("tags") + "{#" + found.group("end") + "#}"

        return _TAGS_ALONE.sub(hidden, source)


_environment = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                                    lstrip_blocks=True, extensions=[BlockLines])


class TemplateProblem(ValueError):
    """A template that cannot be rendered; the message is meant for the person who wrote it."""


def _refusal(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Name) and node.name not in MERGE_FIELDS:
        return f"{node.name} is not a merge field"
    if isinstance(node, nodes.Filter) and (node.name not in FILTERS or node.dyn_args
                                           or node.dyn_kwargs):
        return f"the filter {node.name} is not allowed (only {', '.join(FILTERS)})"
    if isinstance(node, nodes.Getattr):
        return f".{node.attr} is not a merge field"
    if isinstance(node, _ALLOWED):
        return None
    what = next((text for kind, text in _DESCRIPTIONS.items() if isinstance(node, kind)),
                type(node).__name__)
    return f"{what} cannot be used in a message"


def check_template(source: str) -> nodes.Template:
    """Parse a template and refuse anything but merge fields and simple conditionals."""
    try:
        tree = _environment.parse(source)
    except TemplateSyntaxError as error:
        raise TemplateProblem(f"Line {error.lineno}: {error.message}") from error
    pending = [tree]
    while pending:
        node = pending.pop()
        refusal = _refusal(node)
        if refusal:
            raise TemplateProblem(f"Line {getattr(node, 'lineno', 1)}: {refusal}. {_RULE}")
        pending.extend(reversed(list(node.iter_child_nodes())))  # in reading order
    return tree


def _capped(parts) -> str:
    written, size = [], 0
    for part in parts:
        size += len(part)
        if size > OUTPUT_LIMIT:
            raise TemplateProblem(f"The message would be longer than {OUTPUT_LIMIT:,} "
                                  "characters; shorten it.")
        written.append(part)
    return "".join(written)


@lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """Check and compile a template once: a campaign renders the same one 90,000 times."""
    return _environment.from_string(check_template(source))


@lru_cache(maxsize=256)
def _plain(source: str) -> tuple[tuple[bool, str], ...] | None:
    """Return the template as its text and merge fields in order, (is a field, text or
    name), when it holds nothing else (most messages); None when it has conditionals or
    filters. What Jinja's lexer does (whitespace control, comments, raw) is in the text."""
    pieces = []
    for node in _environment.parse(source).body:
        if not isinstance(node, nodes.Output):
            return None
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                pieces.append((False, child.data))
            elif isinstance(child, nodes.Name):
                pieces.append((True, child.name))
            else:
                return None
    return tuple(pieces)


def render_text(source: str, fields: dict) -> str:
    """Check one template string, then render it with the merge fields, capped in size.

    A template of text and fields alone is filled in directly, as Jinja would (str() of
    each value), without building Jinja's context for every one of a campaign's families.
    """
    template = _compiled(source)
    pieces = _plain(source)
    if pieces is not None and all(name in fields for is_field, name in pieces if is_field):
        return _capped(str(fields[text]) if is_field else text for is_field, text in pieces)
    try:
        return _capped(template.generate(**fields))
    except UndefinedError as error:
        raise TemplateProblem(f"Unknown merge field: {error.message}. {_RULE}") from error
    except TemplateError as error:
        raise TemplateProblem(f"The template could not be filled in: {error}") from error


def _linked(line: str) -> str:
    """Escape a line, its web addresses made links, query strings and all; a full stop,
    comma or closing bracket right after an address ends the sentence, not the address."""
    pieces, done = [], 0
    for found in _LINK.finditer(line):
        address = found.group(0).rstrip(".,;:!?")
        if address.endswith(")") and "(" not in address:
            address = address.rstrip(")").rstrip(".,;:!?")
        pieces += [str(escape(line[done:found.start()])),
                   f'<a href="{escape(address)}">{escape(address)}</a>']
        done = found.start() + len(address)
    return "".join(pieces) + str(escape(line[done:]))


def text_to_html(text: str) -> Markup:
    """Escape text and turn it into paragraphs with line breaks and clickable links."""
    paragraphs = [part for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]
    html = []
    for paragraph in paragraphs:
        lines = [_linked(line) for line in paragraph.splitlines()]
        html.append("<p>" + "<br>".join(lines) + "</p>")
    return Markup("\n".join(html))


@lru_cache(maxsize=256)
def fields_used(*sources: str) -> frozenset[str]:
    """Return the merge fields these templates refer to (so only those are looked up)."""
    return frozenset().union(*(meta.find_undeclared_variables(_environment.parse(source))
                               for source in sources))


def render_subject_and_text(*, subject: str, body: str, fields: dict) -> tuple[str, str]:
    """Return the subject (on one line) and the plain-text body for one recipient."""
    return " ".join(render_text(subject, fields).split()), render_text(body, fields)


def render_message(*, subject: str, body: str, fields: dict) -> tuple[str, str, Markup]:
    """Return the subject, the plain-text body and the HTML body for one recipient."""
    rendered_subject, text = render_subject_and_text(subject=subject, body=body, fields=fields)
    return rendered_subject, text, text_to_html(text)
