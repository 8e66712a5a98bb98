"""In the browser: the import page follows the worker and shows the outcome when it ends."""

import pytest

from portal.auth.models import Role
from portal.extensions import db
from portal.imports.jobs import queue_import, run_queued_imports
from tests import factories as f
from tests.conftest import config_for
from tests.imports.oneroster_set import realistic, write_set


@pytest.fixture
def app_config(database_url, tmp_path):
    """Uploads go to the test's own folder, not the instance folder."""
    return config_for(database_url, IMPORT_UPLOAD_FOLDER=str(tmp_path / "uploads"))


pytestmark = pytest.mark.browser


def test_job_page_polls_until_the_worker_has_run_it(app, page, live_server, browser_login,
                                                     tmp_path):
    admin = f.make_user(Role.ADMINISTRATOR, None)
    data = write_set(tmp_path / "set", realistic(), zip_it=True).read_bytes()
    with app.test_request_context():
        job = queue_import(kind="oneroster", file_name="roster.zip", data=data, actor=admin,
                           dry_run=True)
    db.session.commit()
    browser_login(admin.email, f.PASSWORD)
    page.goto(f"{live_server}/imports/jobs/{job.id}")
    assert page.inner_text('[data-field="status"]') == "queued"
    run_queued_imports()
    page.wait_for_function(
        "() => document.body.textContent.includes('students: 4 created')")
    assert page.inner_text('[data-field="status"]') == "done"
    assert page.errors == []
