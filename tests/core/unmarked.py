"""Find user-facing text that does not go through Flask-Babel, in templates and in Python."""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Attributes people read or hear (a screen reader says aria-label and title aloud).
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description",
                   "aria-roledescription", "aria-valuetext", "data-confirm"}
# Text that is the same in every language: names of formats, products and standards.
NOT_LANGUAGE = {"CSV", "JSON", "OneRoster", "OneRoster 1.1", "OneRoster 1.2", "iCalendar",
                "SMS", "OK", "Plotly", "Web Push", "UCI", "OULAD", "CSV (UTF-8)", "ID",
                "ICS", "GPA", "URL"}
LETTER = re.compile(r"[^\W\d_]")
JINJA = re.compile(r"\{#.*?#\}|\{%-?\s*trans\b.*?endtrans\s*-?%\}|\{\{.*?\}\}|\{%.*?%\}", re.S)
PLACEHOLDER = " "


def _words(text: str) -> str | None:
    """Return the text when it has words a translator would translate, else None."""
    text = " ".join(text.replace(PLACEHOLDER, " ").split())
    if not LETTER.search(text) or text in NOT_LANGUAGE:
        return None
    return text


class _TextFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skipping += 1
        for name, value in attrs:
            words = _words(value or "") if name in READ_ATTRIBUTES else None
            if words:
                self.found.append(f'{name}="{words}"')
        self.found.extend(f"<input value> {words}" for name, value in attrs
                          if tag == "input" and name == "value"
                          and ("type", "submit") in attrs and (words := _words(value or "")))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skipping = max(0, self.skipping - 1)

    def handle_data(self, data):
        words = None if self.skipping else _words(data)
        if words:
            self.found.append(words)


def unmarked_in_template(source: str, *, plain_text: bool = False) -> list[str]:
    """Return the texts of a Jinja template that are outside _(), {% trans %} and expressions."""
    without_jinja = JINJA.sub(PLACEHOLDER, source)
    if plain_text:
        return [words for line in without_jinja.splitlines() if (words := _words(line))]
    finder = _TextFinder()
    finder.feed(without_jinja)
    finder.close()
    return finder.found


MARKERS = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext",
           "lazy_pgettext"}
# Errors whose message is a literal marked at raise by `make extract` (-k) and translated
# where it is shown.
EXTRACTED_AT_RAISE = {"InvalidLink", "WrongCredentials"}
DOMAIN_ERRORS = {"DomainError", "NotFound", "Forbidden", "Conflict", "ValidationError"}
# Where each WTForms validator takes its message when it is given without message=.
MESSAGE_POSITION = {"DataRequired": 0, "InputRequired": 0, "Optional": 0, "Email": 0,
                    "URL": 1, "EqualTo": 1, "AnyOf": 1, "NoneOf": 1, "Length": 2,
                    "NumberRange": 2, "Regexp": 2}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_text(node: ast.AST | None) -> bool:
    """Tell a literal or f-string with words (an unmarked text) from anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(_words(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.Constant) and _words(part.value) for part in node.values)
    if isinstance(node, ast.BinOp):  # "..." % value or "..." + "..."
        return _is_text(node.left)
    return False


def domain_errors(trees: list[ast.Module]) -> set[str]:
    """Return the names of every class that derives from a domain error."""
    known = set(DOMAIN_ERRORS)
    growing = True
    while growing:
        growing = False
        for tree in trees:
            for node in ast.walk(tree):
                if (isinstance(node, ast.ClassDef) and node.name not in known
                        and any(_name(base) in known for base in node.bases)):
                    known.add(node.name)
                    growing = True
    return known - EXTRACTED_AT_RAISE


def _shown_texts(call: ast.Call, errors: set[str]) -> list[ast.AST]:
    """Return the arguments of this call that people read."""
    name = _name(call.func)
    keywords = {keyword.arg: keyword.value for keyword in call.keywords}
    if name == "flash" or name in errors:
        return call.args[:1] + [keywords.get("message")]
    if name.endswith("Field") and name[0].isupper():
        return call.args[:1] + [keywords.get("label"), keywords.get("description")]
    if name in MESSAGE_POSITION:
        return call.args[MESSAGE_POSITION[name]:][:1] + [keywords.get("message")]
    return []


def unmarked_in_python(tree: ast.Module, errors: set[str]) -> list[tuple[int, str]]:
    """Return (line, code) of flash messages, form labels and error messages left unmarked,
    and of texts translated from a variable (which `make extract` cannot see)."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if _name(node.func) not in MARKERS:
            found.extend((text.lineno, ast.unparse(text)) for text in _shown_texts(node, errors)
                         if _is_text(text))
        elif node.args and not isinstance(node.args[0], ast.Constant | ast.BinOp):
            found.append((node.lineno, ast.unparse(node)))
    return found


# _() of a variable in a template: the text it translates is never extracted.
TRANSLATED_VARIABLE = re.compile(r"\b(?:_|gettext)\(\s*(?![\s\"'])[^)]*\)")


def translated_variables(source: str) -> list[str]:
    """Return the _(variable) calls of a template."""
    return TRANSLATED_VARIABLE.findall(source)
