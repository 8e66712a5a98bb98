"""Every text people read goes through Flask-Babel, and every catalogue translates all of it."""

import ast
import re
import shlex

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from config import DefaultConfig
from portal.core.codes import CODE_LABELS
from portal.risk.rules import DOMAINS, FAMILY_TODOS, RULES
from tests.conftest import TRANSLATIONS
from tests.core.unmarked import (
    ROOT,
    domain_errors,
    translated_variables,
    unmarked_in_python,
    unmarked_in_template,
)

# _() of a variable whose texts are marked where they are made (InvalidLink, WrongCredentials).
# Texts marked where they are written and translated where they are shown: an error's
# message, and the risk rules' labels (N_ in rules.py, checked by the last test below).
TRANSLATED_WHERE_SHOWN = {("portal/auth/routes.py", "_(error.message)"),
                       ("portal/risk/labels.py", "_(rule.label)"),
                       ("portal/risk/labels.py", "_(label)"),
                       ("portal/risk/labels.py", "_(label, value=value)")}
LANGUAGES = [code for code in DefaultConfig.PORTAL_LANGUAGES if code != "en"]


def _templates():
    return sorted(path for path in (ROOT / "templates").rglob("*")
                  if path.suffix in (".html", ".txt"))


def _python_files():
    return sorted((ROOT / "portal").rglob("*.py"))


def test_templates_have_no_unmarked_text():
    unmarked = {str(path.relative_to(ROOT)): found for path in _templates()
                if (found := unmarked_in_template(path.read_text(),
                                                  plain_text=path.suffix == ".txt"))}
    assert unmarked == {}


def test_templates_translate_no_variable():
    variables = {str(path.relative_to(ROOT)): found for path in _templates()
                 if (found := translated_variables(path.read_text()))}
    assert variables == {}


def test_python_flash_messages_labels_and_errors_are_marked():
    trees = {str(path.relative_to(ROOT)): ast.parse(path.read_text()) for path in _python_files()}
    errors = domain_errors(list(trees.values()))
    unmarked = [f"{name}:{line}: {code}" for name, tree in trees.items()
                for line, code in unmarked_in_python(tree, errors)
                if (name, code) not in TRANSLATED_WHERE_SHOWN]
    assert unmarked == []


def test_the_scanner_finds_unmarked_template_text():
    source = ('<h1>{{ _("Marked") }}</h1><p>Not marked {{ name }}</p>'
              '<a title="Unmarked title" aria-label="{{ _(\'Fine\') }}">·</a>'
              '<input type="submit" value="Send"><script>var text = "code";</script>'
              '{% trans %}Inside trans{% endtrans %}<td>CSV</td><td>{{ 3 }} %</td>')
    assert unmarked_in_template(source) == ["Not marked", 'title="Unmarked title"',
                                            "<input value> Send"]
    assert unmarked_in_template("Dear {{ name }},\n{{ _('Hello') }}\n\nBye\n",
                                plain_text=True) == ["Dear ,", "Bye"]
    assert translated_variables('{{ _(label) }} {{ _("fine") }} {{ gettext(x.y) }}') == [
        "_(label)", "gettext(x.y)"]


def test_the_scanner_finds_unmarked_python_text():
    tree = ast.parse(
        'class Late(Conflict): pass\n'
        'flash("Saved.")\n'
        'flash(_("Saved."))\n'
        'name = StringField("Name", validators=[DataRequired("Enter it."), Length(max=5)])\n'
        'label = StringField(_l("Name"), validators=[EqualTo("password", _l("Same."))])\n'
        'raise Late(f"{slot} is taken")\n'
        'raise Late(_("%(slot)s is taken", slot=slot))\n'
        'message = _(reason)\n')
    errors = domain_errors([tree])
    assert "Late" in errors
    assert sorted(line for line, _code in unmarked_in_python(tree, errors)) == [2, 4, 4, 6, 8]


def test_every_portal_language_has_a_catalogue_and_make_extract_knows_it():
    makefile = (ROOT / "Makefile").read_text()
    listed = re.search(r"^CATALOGUES := (.+)$", makefile, re.M).group(1).split()
    assert sorted(listed) == sorted(LANGUAGES)
    for code in LANGUAGES:
        assert (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").exists(), code


def test_every_code_the_models_define_has_a_label():
    from portal.auth.models import Role
    from portal.events.models import EventKind, SlotStatus
    from portal.interactions.models import Channel, Direction, Outcome
    from portal.messaging.models import DeliveryStatus, UpdateKind
    from portal.needs.models import FeedbackKind, FeedbackStatus, NeedKind, NeedStatus
    from portal.notifications.models import EmailChoice
    from portal.outcomes.models import AttendanceStatus, ProgramKind, WorkStatus
    from portal.people.models import Relationship
    from portal.risk.models import RiskLevel

    codes = {code for kind in (Role, EventKind, SlotStatus, Channel, Direction, Outcome,
                               DeliveryStatus, UpdateKind, FeedbackKind, FeedbackStatus, NeedKind,
                               NeedStatus, EmailChoice, AttendanceStatus, ProgramKind, WorkStatus,
                               Relationship, RiskLevel) for code in kind.ALL}
    assert sorted(codes - set(CODE_LABELS)) == []


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Extract every marked string, as `make extract` does, into a temporary .pot file."""
    makefile = (ROOT / "Makefile").read_text()
    keywords = shlex.split(re.search(r"^BABEL_EXTRACT := (.+)$", makefile, re.M).group(1))
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    CommandLineInterface().run(["pybabel", "--quiet", "extract", "-F", str(ROOT / "babel.cfg"),
                                *keywords, "-o", str(pot), str(ROOT)])
    with open(pot, "rb") as template:
        return {message.id for message in read_po(template) if message.id}


def _untranslated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(strings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_translates_every_message(extracted, language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as catalogue:
        messages = [message for message in read_po(catalogue) if message.id]
    assert sorted(extracted - {message.id for message in messages}) == []  # run make extract
    # Nor a text the code no longer has (reworded or removed: translated for nobody), as
    # `make extract` would drop it.
    assert sorted(str(message.id) for message in messages if message.id not in extracted) == []
    assert [message.id for message in messages if message.fuzzy] == []
    assert [message.id for message in messages if _untranslated(message)] == []


def test_every_risk_rule_and_family_to_do_label_is_extracted_for_translation(extracted):
    labels = {rule.label for rule in (*RULES, *FAMILY_TODOS)} | set(DOMAINS.values())
    assert sorted(labels - extracted) == []
