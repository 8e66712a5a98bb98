"""PostgreSQL runs the portal's statements without JIT compiling them (portal/core/planner.py)."""

import pytest
from sqlalchemy import text

from portal.extensions import db
from tests.conftest import is_postgres


@pytest.mark.postgres_only
def test_every_connection_of_the_portal_runs_without_jit(app):
    if not is_postgres():
        pytest.skip("needs PostgreSQL: SQLite has no JIT")
    assert db.session.scalar(text("SHOW jit")) == "off"
    db.session.remove()
    db.engine.dispose()  # a new connection from the pool gets the setting too
    assert db.session.scalar(text("SHOW jit")) == "off"
    # The connection's own options (the test schema) still hold beside it.
    assert db.session.scalar(text("SELECT count(*) FROM schools")) == 0
