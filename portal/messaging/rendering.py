"""Render message templates in Jinja's sandbox (pure: no Flask, no database).

A template sees only the merge fields it is given; anything that tries to reach Python
internals fails with TemplateProblem, whose message says what went wrong and where.
"""

import re

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup, escape

MERGE_FIELDS = (
    "guardian_name", "student_name", "children", "attendance_rate", "latest_grades",
    "next_event", "portal_link", "school_name",
)
_LINK = re.compile(r"(https?://[^\s<>&]+)")
_environment = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                                    trim_blocks=True, lstrip_blocks=True)


class TemplateProblem(ValueError):
    """A template that cannot be rendered; the message is meant for the person who wrote it."""


def render_text(source: str, fields: dict) -> str:
    """Render one template string with the merge fields, in the sandbox."""
    try:
        return _environment.from_string(source).render(**fields)
    except SecurityError as error:
        raise TemplateProblem(
            f"The template tries to use something that is not a merge field ({error}). "
            f"Use only: {', '.join(MERGE_FIELDS)}.") from error
    except UndefinedError as error:
        raise TemplateProblem(
            f"Unknown merge field: {error.message}. Use only: {', '.join(MERGE_FIELDS)}."
        ) from error
    except TemplateSyntaxError as error:
        raise TemplateProblem(f"Line {error.lineno}: {error.message}") from error
    except TemplateError as error:
        raise TemplateProblem(f"The template could not be filled in: {error}") from error


def text_to_html(text: str) -> Markup:
    """Escape text and turn it into paragraphs with line breaks and clickable links."""
    paragraphs = [part for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]
    html = []
    for paragraph in paragraphs:
        lines = [_LINK.sub(r'<a href="\1">\1</a>', str(escape(line)))
                 for line in paragraph.splitlines()]
        html.append("<p>" + "<br>".join(lines) + "</p>")
    return Markup("\n".join(html))


def render_message(*, subject: str, body: str, fields: dict) -> tuple[str, str, Markup]:
    """Return the subject, the plain-text body and the HTML body for one recipient."""
    rendered_subject = " ".join(render_text(subject, fields).split())
    text = render_text(body, fields)
    return rendered_subject, text, text_to_html(text)
