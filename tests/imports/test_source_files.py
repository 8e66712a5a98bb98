"""Reading an import's files: what a zip holds, the line ends and separators a file uses."""

import zipfile

import pytest

from portal.imports.csvfiles import ImportFailed, read_rows, read_source
from tests.imports.oneroster_set import realistic, write_set
from tests.imports.test_oneroster_import import run_import


def test_a_zip_with_one_file_name_in_two_folders_is_refused(app, tmp_path):
    """Which users.csv is the roster? The last one was taken without a word."""
    path = write_set(tmp_path / "set", realistic(), zip_it=True)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("old export/Users.csv", archive.read("users.csv"))
    with pytest.raises(ImportFailed) as refused:
        read_source(path)
    assert str(refused.value) == ("oneroster.zip: holds users.csv twice (users.csv and old "
                                  "export/Users.csv): keep one set of files")
    result = run_import(app, path)
    assert result.exit_code == 1 and "holds users.csv twice" in result.stderr


def test_a_folder_with_one_file_name_in_two_cases_is_refused(tmp_path):
    path = write_set(tmp_path / "set", realistic())
    (path / "USERS.CSV").write_bytes((path / "users.csv").read_bytes())
    with pytest.raises(ImportFailed, match="holds users.csv twice"):
        read_source(path)


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_old_mac_line_ends_are_read_whatever_the_separator(delimiter):
    """A file with CR-only line ends (older Mac spreadsheets) was one long header line."""
    data = "\r".join(delimiter.join(cells) for cells in [
        ["student", "class", "score", "date"], ["1001", "Math 9A", "12,5", "2026-10-02"],
        ["1002", "Math 9A", "7", "2026-10-02"]]).encode() + b"\r"
    if delimiter == ",":
        data = data.replace(b"12,5", b'"12,5"')
    rows = read_rows("grades.csv", data, required=("student", "class", "score", "date"))
    assert [(row.line, row.get("student"), row.get("score")) for row in rows] == [
        (2, "1001", "12,5"), (3, "1002", "7")]


def test_a_byte_that_is_not_utf8_is_found_on_its_line_whatever_the_line_ends():
    data = "student;date;status\r1001;2026-10-01;present\r1002;2026-10-01;Arzt\xe9\r"
    with pytest.raises(ImportFailed, match="attendance.csv, line 3: is not UTF-8 text"):
        read_rows("attendance.csv", data.encode("cp1252"), required=("student",))
