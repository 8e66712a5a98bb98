"""The administrators' import page: the upload is queued, the worker runs it, the page reports."""

import io
import zipfile

import pytest
from sqlalchemy import func, select

from portal.auth.models import Role, User
from portal.extensions import db
from portal.imports.csvfiles import ImportFailed, read_source
from portal.imports.jobs import run_queued_imports
from portal.imports.models import ImportJob
from portal.people.models import District, School, Section, Student
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


def _patched(data: bytes, local_at: int, central_at: int, value: bytes) -> bytes:
    """The zip with a field of its (only) member rewritten in both of its headers."""
    local, central = data.index(b"PK\x03\x04"), data.index(b"PK\x01\x02")
    data = bytearray(data)
    data[local + local_at:local + local_at + len(value)] = value
    data[central + central_at:central + central_at + len(value)] = value
    return bytes(data)


def _one_member_zip(text: str, compression=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("users.csv", text)
    return buffer.getvalue()


def _damaged(data: bytes) -> bytes:
    start = len(b"PK\x03\x04") + 26 + len("users.csv") + 5  # into the member's data
    return data[:start] + bytes(byte ^ 0xFF for byte in data[start:start + 20]) + \
        data[start + 20:]


USERS = "sourcedId,role,givenName,familyName\\n" + "st1,student,Ana,Lopez\\n" * 50


@pytest.mark.parametrize("data, reason", [
    # the "encrypted" flag (bit 0 of the general purpose flags)
    (_patched(_one_member_zip(USERS), 6, 8, b"\x01\x00"), "is protected by a password"),
    # compression method 99 (AES), which the zip module does not read
    (_patched(_one_member_zip(USERS), 8, 10, b"\x63\x00"), "is packed in a way the portal"),
    # deflated data with twenty bytes inverted
    (_damaged(_one_member_zip(USERS, zipfile.ZIP_DEFLATED)), "is damaged"),
], ids=["password", "compression", "damaged"])
def test_a_zip_that_does_not_unpack_fails_with_why_and_is_deleted(client, login_as, tmp_path,
                                                                   data, reason):
    """Each was an unhandled error: the job stayed "running" for ever, and the roster's
    personal data stayed on disk."""
    login_as(district_admin())
    response = upload(client, data, dry_run=False)
    assert run_queued_imports() == 1
    job = db.session.scalar(select(ImportJob))
    assert job.status == "failed" and reason in job.errors[0]["reason"]
    assert reason in client.get(response.location).get_data(as_text=True)
    assert not any((tmp_path / "uploads").iterdir()) and students() == 0


def test_a_zip_that_would_unpack_to_too_much_is_refused_before_unpacking(tmp_path):
    path = tmp_path / "bomb.zip"
    path.write_bytes(_one_member_zip("0" * 5000, zipfile.ZIP_DEFLATED))
    with pytest.raises(ImportFailed, match="unpacks to 0 MB of CSV, more than the 0 MB"):
        read_source(path, max_unpacked=4999)
    assert read_source(path, max_unpacked=5000) == {"users.csv": b"0" * 5000}


def test_an_unexpected_error_ends_the_job_failed_and_nothing_is_imported(client, login_as,
                                                                         tmp_path):
    """The stored file gone before the worker ran (a worker on a host without the upload
    folder): the job fails and says so, rather than staying "running" for ever."""
    school = make_school()
    login_as(make_user(Role.ADMINISTRATOR, school))
    response = upload(client, b"student_id,date,status\\n", kind="attendance", dry_run=False,
                      name="attendance.csv")
    for stored in (tmp_path / "uploads").iterdir():
        stored.unlink()
    assert run_queued_imports() == 1
    job = db.session.scalar(select(ImportJob))
    assert job.status == "failed"
    assert "stopped on an unexpected error; nothing was imported" in job.errors[0]["reason"]
    assert "unexpected error" in client.get(response.location).get_data(as_text=True)


def _imported_by_the_district(client, login_as, tmp_path):
    login_as(district_admin())
    upload(client, zipped(tmp_path / "first"), dry_run=False)
    run_queued_imports()
    return db.session.scalar(select(School).where(School.sourced_id == "s-north"))


def test_a_school_administrator_cannot_change_other_schools_people_without_an_orgs_file(
        client, login_as, tmp_path):
    """A users-only delta names no org, yet its people are another school's (st3 of South)
    or shared with one (t1 teaches at both): refused on the row, nothing changed."""
    north = _imported_by_the_district(client, login_as, tmp_path)
    people = {row["sourcedId"]: row for row in realistic()["users"]}
    changed = [{**people["st3"], "givenName": "Hacked", "orgSourcedIds": ""},
               {**people["t1"], "role": "administrator"}]
    login_as(make_user(Role.ADMINISTRATOR, north))
    response = upload(client, write_set(tmp_path / "delta", {"users": changed},
                                        modes={"users": "delta"}, zip_it=True).read_bytes(),
                      dry_run=False)
    run_queued_imports()
    page = client.get(response.location).get_data(as_text=True)
    assert "Errors: nothing was imported" in page
    assert "is a person of a school you do not administer" in page
    assert "names a school you do not administer" in page
    assert db.session.scalar(select(func.count()).select_from(Student).where(
        Student.first_name == "Hacked")) == 0
    assert db.session.scalar(select(User.role).where(User.sourced_id == "t1")) == Role.TEACHER
    south_class = next(row for row in realistic()["classes"] if row["sourcedId"] == "k-math-s")
    # South's class, said to be South's or North's, and a new class put in South
    for class_id, school in (("k-math-s", "s-south"), ("k-math-s", "s-north"),
                             ("k-new", "s-south")):
        response = upload(client, write_set(
            tmp_path / f"{class_id}-{school}", {"classes": [{
                **south_class, "sourcedId": class_id, "schoolSourcedId": school,
                "title": "Taken over"}]},
            modes={"classes": "delta"}, zip_it=True).read_bytes(), dry_run=False)
        run_queued_imports()
        page = client.get(response.location).get_data(as_text=True)
        assert "Errors: nothing was imported" in page, school
    assert db.session.scalar(select(func.count()).select_from(Section).where(
        Section.name == "Taken over")) == 0


def test_a_family_s_account_is_never_made_a_staff_one(client, login_as, tmp_path):
    """A staff row whose email is a parent's account: the import names it, the parent keeps
    their portal."""
    _imported_by_the_district(client, login_as, tmp_path)
    parent = make_user(Role.GUARDIAN, make_school(), email="parent@family.example")
    db.session.commit()
    files = realistic()
    files["users"].append({**files["users"][1], "sourcedId": "t9",
                           "email": "Parent@Family.example"})
    login_as(district_admin())
    response = upload(client, zipped(tmp_path / "again", files), dry_run=False)
    run_queued_imports()
    page = client.get(response.location).get_data(as_text=True)
    assert "is a family&#39;s account in the portal" in page
    db.session.expire_all()
    assert (db.session.get(User, parent.id).role, db.session.get(User, parent.id).sourced_id) \
        == (Role.GUARDIAN, None)
