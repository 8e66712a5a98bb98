"""Fixtures of the family portal tests: compiled translation catalogues."""

from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface

TRANSLATIONS = Path(__file__).resolve().parents[2] / "portal" / "translations"


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Compile the Spanish and French catalogues when their .mo files are missing."""
    catalogues = list(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
    if any(not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime
           < po.stat().st_mtime for po in catalogues):
        CommandLineInterface().run(["pybabel", "compile", "--quiet", "-d", str(TRANSLATIONS)])
    return catalogues
