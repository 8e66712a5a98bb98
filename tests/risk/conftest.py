"""Fixtures of the risk tests."""

import pytest

from portal import create_app
from tests.conftest import config_for


@pytest.fixture(scope="module")
def files_app():
    """An app for the evaluation commands, which read only the files they are given: on an
    in-memory database that is never created (so these tests use no test database, and
    run once in `make test`, in its PostgreSQL pass)."""
    return create_app(config_for("sqlite://"))
