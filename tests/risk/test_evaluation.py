"""`flask risk evaluate` on the shipped UCI file, and clear errors for malformed files."""

import json
from pathlib import Path

import pytest

from portal.risk.uci import UciFormatError, default_path, read_students

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = default_path(ROOT)
needs_shipped_csv = pytest.mark.skipif(
    not SHIPPED.exists(),
    reason=f"the UCI Student Performance file is not at {SHIPPED} (set PORTAL_UCI_CSV)")


def _evaluate(app, *args):
    result = app.test_cli_runner().invoke(args=["risk", "evaluate", *args])
    return result


@needs_shipped_csv
def test_evaluation_runs_on_the_shipped_file_and_is_reproducible(files_app):
    args = ["--uci", str(SHIPPED), "--setup", "B", "--runs", "1", "--bootstrap", "50", "--json"]
    first, second = _evaluate(files_app, *args), _evaluate(files_app, *args)
    assert first.exit_code == 0, first.output
    (report,) = json.loads(first.output)["files"]
    assert json.loads(second.output)["files"] == [report]
    (setup,) = report["setups"]
    assert (report["rows"], report["base_rate"], setup["protocol"]["runs"]) == (395, 32.9, 1)
    assert setup["learned"]["high"]["pcc"]["value"] > setup["majority_baseline_pcc"]
    assert set(setup["fairness"]["rules, watch or high"]) == {
        "gender", "school", "address (U urban / R rural)", "age"}


HEADER = "school,gender,address,past class failures,school absences," \
         "first period grade,second period grade,final grade\n"


def test_a_missing_column_is_named():
    with pytest.raises(UciFormatError, match="line 1 .*missing column 'final grade'"):
        read_students(HEADER.replace(",final grade", "") + "GP,F,U,0,4,10,11\n")


def test_a_non_numeric_grade_names_the_line_and_column(files_app, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "GP,F,U,0,4,10,11,12\nGP,M,R,1,2,ten,9,8\n")
    result = _evaluate(files_app, "--uci", str(bad), "--setup", "A")
    assert result.exit_code != 0
    assert "line 3, column 'first period grade': 'ten' is not a number" in result.output


def test_the_original_semicolon_format_with_short_codes_is_read():
    text = 'school;sex;address;failures;absences;G1;G2;G3\n"GP";"F";"U";0;6;5;6;6\n'
    (student,) = read_students(text)
    assert (student.gender, student.absences, student.g3, student.failed) == ("F", 6, 6, True)


@pytest.mark.parametrize(("content", "message"), [
    ("school,gender\nGP,F\xe9\n".encode("latin-1"), "not UTF-8 text (byte 19)"),
    (HEADER.encode() + b"GP,F,U,0,4,10,11,12\nGP,F,U,0,4,10,11\x00,12\n",
     "line 3, column 'second period grade'"),
    (HEADER.encode() + b"GP,F,U,0,4,inf,11,12\n", "'inf' is not a number"),
    (HEADER.encode() + b"GP,F,U,0,4,1e999,11,12\n", "'1e999' is not a number"),
    (HEADER.encode() + b"GP,F,U,0,4,10,11,12\n" * 12,
     "0 failing and 12 passing students; the 10-fold cross-validation needs at least 10"),
    (b"", "missing column 'school'"),
])
def test_an_unreadable_file_is_a_message_and_a_failure_not_a_traceback(files_app, tmp_path, content,
                                                                        message):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    result = _evaluate(files_app, "--uci", str(bad), "--setup", "A", "--runs", "1")
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"Error: {bad}: " in result.output and message in result.output


def test_a_row_the_csv_reader_refuses_names_the_line():
    with pytest.raises(UciFormatError, match="line 3: not a readable CSV row .*field limit"):
        read_students(HEADER + "GP,F,U,0,4,10,11,12\nGP," + "x" * 200_000 + "\n")
