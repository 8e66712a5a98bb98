"""`flask risk evaluate` on several planted UCI-format files with different base rates."""

import pytest

from portal.risk.evaluation import evaluate
from portal.risk.uci import read_students

HEADER = ("school,gender,age,address,past class failures,school absences,"
          "first period grade,second period grade,final grade\n")


def planted_file(path, *, students: int, failing: int):
    """Write a UCI-format CSV where `failing` of `students` fail, with tell-tale G1 and absences."""
    rows = []
    for number in range(students):
        fails = number < failing
        grade = 6 + number % 3 if fails else 11 + number % 6
        absences = 12 + number % 9 if fails else number % 5
        rows.append(f"{'GP' if number % 4 else 'MS'},{'FM'[number % 2]},{16 + number % 3},"
                    f"{'UR'[number % 3 == 0]},{int(fails)},{absences},{grade},{grade},"
                    f"{grade - 1 if fails else grade}\n")
    path.write_text(HEADER + "".join(rows))
    return path


def _evaluate(app, *args):
    return app.test_cli_runner().invoke(args=[
        "risk", "evaluate", "--setup", "B", "--runs", "1", "--folds", "3", "--bootstrap", "30",
        *args])


@pytest.fixture(scope="module")
def two_files(tmp_path_factory):
    """Return a file with a third failing and one with 15 % failing."""
    folder = tmp_path_factory.mktemp("uci")
    return (planted_file(folder / "third.csv", students=60, failing=20),
            planted_file(folder / "fewer.csv", students=80, failing=12))


def test_every_file_given_is_reported_with_its_own_base_rate(files_app, two_files):
    third, fewer = two_files
    result = _evaluate(files_app, "--uci", str(third), "--uci", str(fewer), "--miss-cost", "4")
    assert result.exit_code == 0, result.output
    assert f"== {third}: 60 students, 20 failing (base rate 33.3 %)" in result.output
    assert f"== {fewer}: 80 students, 12 failing (base rate 15.0 %)" in result.output
    assert result.output.count("learned, watch (miss cost 4)") == 2
    assert "1 runs x 3-fold stratified cross-validation" in result.output
    assert "gap F − M" in result.output and "reliability (calibration)" in result.output


def test_the_lower_base_rate_is_learned_and_the_planted_failures_caught(two_files):
    students = read_students(two_files[1].read_text())
    report = evaluate(students, "B", runs=1, folds=3, bootstrap=30)
    assert (report["base_rate"], report["majority_baseline_pcc"]) == (15.0, 85.0)
    assert report["learned"]["watch"]["recall"]["value"] >= 90
    assert report["rules"]["watch or high"]["recall"]["value"] == 100.0
    gap = report["fairness"]["learned, watch"]["gender"]["gap"]
    assert gap["between"] == "F − M" and gap["recall"]["low"] <= gap["recall"]["high"]
    brier = report["learned"]["brier"]
    assert 0 <= brier["low"] <= brier["value"] <= brier["high"] < 0.1


def test_a_bad_second_file_stops_before_any_work(files_app, two_files, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "GP,F,16,U,0,4,ten,10,11\n")
    result = _evaluate(files_app, "--uci", str(two_files[0]), "--uci", str(bad))
    assert result.exit_code == 1
    assert "line 2, column 'first period grade': 'ten' is not a number" in result.output
    assert "==" not in result.output
