"""The catalogues hold no message of Messages that its code no longer has (a text reworded or
removed stays behind in every catalogue, translated for nobody): as `make extract` would drop
it. Checked for the entries found in Messages' files and those appended by hand (no location)."""

import pytest
from babel.messages.pofile import read_po

from tests.conftest import TRANSLATIONS
from tests.core.test_translations import LANGUAGES, extracted  # noqa: F401 (a fixture)

MESSAGING_FILES = ("portal/messaging/", "templates/messaging/")


def _ours(message) -> bool:
    """True for an entry found in Messages' files, or appended by hand (no location)."""
    return not message.locations or any(path.startswith(MESSAGING_FILES)
                                        for path, _line in message.locations)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalogue_keeps_a_message_the_code_no_longer_has(extracted, language):  # noqa: F811
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as catalogue:
        messages = [message for message in read_po(catalogue) if message.id and _ours(message)]
    assert sorted(str(message.id) for message in messages if message.id not in extracted) == []
