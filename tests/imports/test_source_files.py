"""Reading an import's files: what a zip holds, the line ends and separators a file uses."""

import zipfile

import pytest

from portal.imports.csvfiles import ImportFailed, read_source
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
