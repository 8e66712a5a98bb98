"""The administrators' import page: the upload is queued, the worker runs it, the page reports."""

import io

import pytest
from sqlalchemy import func, select

from portal.auth.models import Role
from portal.extensions import db
from portal.imports.jobs import run_queued_imports
from portal.imports.models import ImportJob
from portal.people.models import District, School, Student
from tests.conftest import config_for, is_postgres
from tests.factories import make_school, make_user
from tests.imports.oneroster_set import realistic, write_set


@pytest.fixture
def app_config(database_url, tmp_path):
    """Uploads go to the test's own folder, not the instance folder."""
    return config_for(database_url, IMPORT_UPLOAD_FOLDER=str(tmp_path / "uploads"))


def zipped(tmp_path, files=None) -> bytes:
    return write_set(tmp_path / "set", files or realistic(), zip_it=True).read_bytes()


def upload(client, data: bytes, *, kind="oneroster", dry_run=True, name="roster.zip"):
    form = {"kind": kind, "file": (io.BytesIO(data), name)}
    if dry_run:
        form["dry_run"] = "y"
    return client.post("/imports/", data=form, content_type="multipart/form-data")


def students() -> int:
    return db.session.scalar(select(func.count()).select_from(Student))


def district_admin():
    return make_user(Role.ADMINISTRATOR, None)


def test_only_administrators_may_import(client, login_as):
    login_as(make_user(Role.TEACHER, make_school()))
    assert client.get("/imports/").status_code == 403


def test_dry_run_upload_is_queued_then_reported_without_changes(client, login_as, tmp_path):
    login_as(district_admin())
    response = upload(client, zipped(tmp_path))
    assert response.status_code == 302
    job = db.session.scalar(select(ImportJob))
    assert job.status == "queued" and students() == 0  # the request only stores the file
    assert client.get(f"/imports/jobs/{job.id}/progress").json["finished"] is False
    assert run_queued_imports() == 1
    page = client.get(response.location).get_data(as_text=True)
    assert "students: 4 created, 0 updated, 0 deactivated" in page
    assert client.get(f"/imports/jobs/{job.id}/progress").json["status"] == "done"
    assert students() == 0


def test_real_upload_imports(client, login_as, tmp_path):
    login_as(district_admin())
    upload(client, zipped(tmp_path), dry_run=False)
    run_queued_imports()
    assert students() == 4


def test_errors_are_shown_with_file_line_and_column(client, login_as, tmp_path):
    files = realistic()
    files["users"][3]["sourcedId"] = "st1"
    login_as(district_admin())
    response = upload(client, zipped(tmp_path, files), dry_run=False)
    run_queued_imports()
    page = client.get(response.location).get_data(as_text=True)
    assert "Errors: nothing was imported" in page
    assert "<td>users.csv</td><td>5</td><td>sourcedId</td><td>st1</td>" in page
    assert students() == 0


def test_a_school_administrator_cannot_import_other_schools(client, login_as, tmp_path):
    login_as(make_user(Role.ADMINISTRATOR, make_school()))
    response = upload(client, zipped(tmp_path), dry_run=False)
    run_queued_imports()
    page = client.get(response.location).get_data(as_text=True)
    assert "is a school you do not administer" in page and students() == 0


def test_someone_elses_job_is_not_found(client, login_as, tmp_path):
    login_as(district_admin())
    upload(client, zipped(tmp_path))
    job = db.session.scalar(select(ImportJob))
    login_as(make_user(Role.ADMINISTRATOR, make_school()))
    assert client.get(f"/imports/jobs/{job.id}").status_code == 404


def test_a_wrong_file_type_is_refused(client, login_as):
    login_as(district_admin())
    response = upload(client, b"hello", name="roster.exe")
    assert response.status_code == 400 and "Upload a .zip or a .csv file." in \
        response.get_data(as_text=True)


@pytest.mark.postgres_only
def test_the_worker_writes_progress_as_it_goes(client, login_as, tmp_path):
    if not is_postgres():
        pytest.skip("SQLite allows one writer at a time: no progress while importing")
    login_as(district_admin())
    upload(client, zipped(tmp_path))
    run_queued_imports()
    job = db.session.scalar(select(ImportJob))
    db.session.refresh(job)
    assert (job.progress_label, job.progress_done, job.progress_total) == ("enrollments.csv", 8, 8)


def test_the_uploaded_file_is_kept_only_until_the_job_ran(client, login_as, tmp_path):
    login_as(district_admin())
    upload(client, zipped(tmp_path))
    uploads = tmp_path / "uploads"
    assert len(list(uploads.iterdir())) == 1
    run_queued_imports()
    assert list(uploads.iterdir()) == []


def test_a_district_administrator_imports_only_their_own_district(client, login_as, tmp_path):
    login_as(district_admin())
    upload(client, zipped(tmp_path / "first"), dry_run=False)
    run_queued_imports()
    lakeside = db.session.scalar(select(District).where(District.sourced_id == "d1"))
    other = District(name="Hillside")
    db.session.add(other)
    db.session.flush()
    login_as(make_user(Role.ADMINISTRATOR, None, district_id=other.id))
    files = realistic()
    files["users"][2]["givenName"] = "Changed"
    response = upload(client, zipped(tmp_path / "other", files), dry_run=False)
    run_queued_imports()
    page = client.get(response.location).get_data(as_text=True)
    assert "is a district you do not administer" in page
    assert "is a school you do not administer" in page
    assert db.session.scalar(select(func.count()).select_from(Student).where(
        Student.first_name == "Changed")) == 0
    # Their own district's administrator may, and may add a school to it.
    login_as(make_user(Role.ADMINISTRATOR, None, district_id=lakeside.id))
    files["orgs"].append({"sourcedId": "s-east", "name": "East Primary", "type": "school",
                          "parentSourcedId": "d1"})
    response = upload(client, zipped(tmp_path / "own", files), dry_run=False)
    run_queued_imports()
    assert db.session.scalar(select(ImportJob).order_by(ImportJob.id.desc())).status == "done"
    assert db.session.scalar(select(School).where(School.sourced_id == "s-east")) is not None
