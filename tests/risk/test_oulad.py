"""`flask risk evaluate --oulad DIR` on a planted folder whose answer is known, and the real one."""

import json
from pathlib import Path
from statistics import fmean, pstdev

import pytest

from portal.risk.oulad import (
    MAPPED,
    OuladFormatError,
    default_folder,
    indicators_for_class,
    indicators_on,
    read_oulad,
)
from portal.risk.oulad_evaluation import feature_names, replay_day
from portal.risk.oulad_features import EXTRA, features_for_class, gradebook_on
from portal.risk.oulad_metrics import auc_interval, first_flags, held_out_report
from portal.risk.oulad_report import format_report
from tests.risk.oulad_planted import LATE, LENGTH, WITHDRAWN, write_planted

ROOT = Path(__file__).resolve().parents[2]
SHARED = default_folder(ROOT)


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    return write_planted(tmp_path_factory.mktemp("oulad"))


@pytest.fixture(scope="module")
def registrations(planted):
    return read_oulad(planted)


@pytest.fixture(scope="module")
def command(files_app, planted, tmp_path_factory):
    """`flask risk evaluate --oulad` on the planted folder, run once: its result and chart."""
    chart = tmp_path_factory.mktemp("chart") / "chart.html"
    result = files_app.test_cli_runner().invoke(args=["risk", "evaluate", "--oulad", str(planted),
                                                "--json", "--chart", str(chart)])
    return result, chart


@pytest.fixture(scope="module")
def report(command):
    """The report `evaluate` makes of the planted folder, as the command writes it."""
    result, _ = command
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _one(registrations, student):
    return next(r for r in registrations if r.student == student)


def test_the_release_format_is_read_exams_left_out(registrations):
    late = _one(registrations, LATE)
    assert late.presentation == "XXX 2014J" and late.length == LENGTH
    assert [work.due for work in late.work] == [10, 40, 70, 100, 130, 160]
    assert _one(registrations, WITHDRAWN).unregistered == 40


def test_a_submission_after_the_day_is_not_seen(registrations):
    late = _one(registrations, LATE)
    on_56 = indicators_on(late, 56)
    assert (on_56["missing_work_count"], on_56["missing_work_share"]) == (1, 50.0)
    assert (on_56["grade_average"], on_56["late_work_share"]) == (80.0, 0.0)
    on_60 = indicators_on(late, 60)
    assert (on_60["missing_work_count"], on_60["grade_average"]) == (0, 40.0)
    assert on_60["late_work_share"] == 50.0


def test_work_due_on_the_day_itself_is_not_yet_missing(registrations):
    bad = next(r for r in registrations if r.final_result == "Fail")
    assert indicators_on(bad, 10)["missing_work_count"] == 0
    assert indicators_on(bad, 11)["missing_work_count"] == 1


def test_a_student_who_withdrew_is_not_predicted_after_withdrawing(registrations):
    withdrawn = registrations.index(_one(registrations, WITHDRAWN))
    assert withdrawn in replay_day(registrations, 28)["indexes"]
    assert withdrawn not in replay_day(registrations, 40)["indexes"]
    assert withdrawn not in replay_day(registrations, 56)["indexes"]


def test_the_known_answer_on_day_56(report):
    day_56 = next(cell for cell in report["cutoffs"] if cell["day"] == 56)
    # XXX: 8 good, 8 bad and LATE are still enrolled (WITHDRAWN left on day 40); YYY: 6 and 2.
    assert day_56["students"] == 25 and day_56["train_students"] == 440
    assert day_56["base_rate"] == 40.0
    assert day_56["auc"] == 1.0
    assert day_56["watch"]["recall"] == 100.0 and day_56["high"]["recall"] == 100.0


def test_lead_time_counts_from_the_first_flag_to_withdrawal_or_the_end(registrations, report):
    first = first_flags({day: replay_day(registrations, day) for day in (14, 28)})
    withdrawn = registrations.index(_one(registrations, WITHDRAWN))
    assert first[withdrawn] == 14  # the day-10 work was missing by day 14
    lead = report["lead_time"]
    assert lead["students"] == 8 + 2 + 1
    assert lead["median_weeks"] == round((LENGTH - 14) / 7, 1)
    assert lead["share_8_weeks"] == round(100 * 10 / 11, 1)  # WITHDRAWN: (40 - 14) / 7 = 3.7


def test_lead_time_is_split_between_those_who_withdraw_and_those_who_fail(report):
    withdrawn, fail = (report["lead_time"]["by_outcome"][key] for key in ("withdrawn", "fail"))
    assert (withdrawn["students"], withdrawn["median_weeks"]) == (1, round((40 - 14) / 7, 1))
    assert (withdrawn["share_4_weeks"], withdrawn["never_flagged"]) == (0.0, 0)
    assert (fail["students"], fail["median_weeks"]) == (10, round((LENGTH - 14) / 7, 1))
    assert fail["share_8_weeks"] == 100.0


def test_each_module_is_reported_on_its_own(report):
    xxx, yyy = report["modules"]["XXX"], report["modules"]["YYY"]
    assert xxx["presentations"] == ["XXX 2014J"] and yyy["presentations"] == ["YYY 2014J"]
    on_56 = {name: next(c for c in entry["cutoffs"] if c["day"] == 56)
             for name, entry in report["modules"].items()}
    assert (on_56["XXX"]["students"], on_56["XXX"]["base_rate"]) == (17, round(100 * 8 / 17, 1))
    assert (on_56["YYY"]["students"], on_56["YYY"]["base_rate"]) == (8, 25.0)
    assert on_56["YYY"]["watch"] == {"precision": 100.0, "recall": 100.0, "flagged": 2}
    assert on_56["YYY"]["auc"] == 1.0 and on_56["YYY"]["accuracy"] == 100.0


def test_the_gradebook_features_see_only_what_was_known_on_the_day(registrations):
    late = _one(registrations, LATE)
    on_56, on_60 = gradebook_on(late, 56), gradebook_on(late, 60)
    assert (on_56["work_due"], on_56["work_handed_in"], on_56["missing_in_a_row"]) == (2, 1, 1)
    assert (on_56["days_since_last_hand_in"], on_56["latest_score"]) == (46, 80)
    assert (on_60["work_handed_in"], on_60["missing_in_a_row"], on_60["lowest_score"]) == (2, 0, 0)
    assert (on_60["days_early_average"], on_60["scores_below_pass"]) == (-10.0, 1)
    withdrawn = gradebook_on(_one(registrations, WITHDRAWN), 28)
    assert (withdrawn["missing_in_a_row"], withdrawn["days_since_last_hand_in"]) == (1, 28)
    assert withdrawn["enrolled_days_before_start"] == 20 and withdrawn["latest_score"] is None


def test_the_weighted_score_so_far_sees_only_work_due_and_handed_in_by_the_day(registrations):
    late = _one(registrations, LATE)  # day-10 work (7.5 %) 80; day-40 work (12.5 %) 0 on day 60
    on_56, on_60 = gradebook_on(late, 56), gradebook_on(late, 60)
    assert (on_56["weighted_score_so_far"], on_56["missing_weight_share"]) == (30.0, 62.5)
    assert (on_60["weighted_score_so_far"], on_60["missing_weight_share"]) == (30.0, 0.0)
    on_100 = gradebook_on(late, 100)  # the day-100 work is handed in on time, not yet due
    assert on_100["weighted_score_so_far"] == round((600 + 20 * 80) / 40, 1)
    assert gradebook_on(late, 5)["weighted_score_so_far"] is None  # nothing due yet


def test_the_score_against_classmates_sees_only_marks_given_by_the_day(registrations):
    good = next(i for i, r in enumerate(registrations)
                if r.presentation == "XXX 2014J" and r.final_result == "Pass" and r.student != LATE)
    late = registrations.index(_one(registrations, LATE))
    on_56, on_60 = features_for_class(registrations, 56), features_for_class(registrations, 60)
    # day 56: every mark in the class is 80 (LATE's 0 comes on day 60): nobody stands out
    assert on_56[late]["score_vs_classmates"] == 0.0 == on_56[good]["score_vs_classmates"]
    # day 60: on the day-40 work 8 classmates have 80 and LATE 0 (mean 71.1, sd 25.1)
    mean, sd = fmean([80] * 8 + [0]), pstdev([80] * 8 + [0])
    assert on_60[late]["score_vs_classmates"] == round((0 + (0 - mean) / sd) / 2, 2) == -1.41
    assert on_60[good]["score_vs_classmates"] == round((0 + (80 - mean) / sd) / 2, 2) == 0.18
    bad = next(i for i, r in enumerate(registrations) if r.presentation == "XXX 2014J"
               and r.final_result == "Fail")
    assert on_60[bad]["score_vs_classmates"] is None  # nothing handed in: nothing to compare


def test_the_json_has_the_promised_shape_and_the_chart_is_written(command, report):
    assert "ROC AUC" in command[1].read_text()
    assert report["train"] == ["XXX 2013B", "XXX 2013J"]
    assert report["test"] == ["XXX 2014J", "YYY 2014J"]
    assert [cell["day"] for cell in report["cutoffs"]] == [28, 56, 84, 126, 168]
    for cell in report["cutoffs"]:
        assert {"day", "students", "base_rate", "auc", "accuracy", "high", "watch"} <= set(cell)
        assert 0 <= cell["auc_95"][0] <= cell["auc"] <= cell["auc_95"][1] <= 1
        assert 0 <= cell["base_rate"] <= 100 and "auc" in cell["training_held_out_presentations"]
        assert set(cell["high"]) >= {"precision", "recall"} <= set(cell["watch"])
    assert {"median_weeks", "share_4_weeks", "share_8_weeks"} <= set(report["lead_time"])
    for outcome in ("withdrawn", "fail"):
        assert {"students", "median_weeks", "share_4_weeks", "share_8_weeks"} <= set(
            report["lead_time"]["by_outcome"][outcome])
    assert set(report["modules"]) == {"XXX", "YYY"}
    for entry in report["modules"].values():
        assert [cell["day"] for cell in entry["cutoffs"]] == [28, 56, 84, 126, 168]
        assert {"students", "base_rate", "auc", "accuracy", "watch"} <= set(entry["cutoffs"][1])
    assert report["churn"]["between_cutoffs"][0]["from"] == 28
    assert set(report["fairness"]["56"]) == {"gender", "region", "highest_education",
                                             "imd_band", "age_band", "disability"}
    assert "gender" not in " ".join(report["protocol"]["inputs"])


def test_the_text_report_states_the_split_and_the_lead_time(report):
    text = format_report(report, "planted")
    assert "train: XXX 2013B, XXX 2013J" in text and "test: XXX 2014J, YYY 2014J" in text
    assert "lead time, all who fail or withdraw (students: 11): median 26.6 weeks" in text
    assert "who withdraw (students: 1): median 3.7 weeks" in text
    assert "YYY (YYY 2014J): day 56: 8, 25.0 %, 1, 100.0 %, 100.0/100.0" in text


def test_a_missing_column_is_named(tmp_path):
    folder = write_planted(tmp_path / "broken")
    text = (folder / "studentAssessment.csv").read_text()
    (folder / "studentAssessment.csv").write_text(text.replace('"date_submitted"', '"day"'))
    with pytest.raises(OuladFormatError, match="studentAssessment.csv, line 1 .*'date_submitted'"):
        read_oulad(folder)


def test_a_bad_number_names_file_line_and_column(files_app, tmp_path):
    folder = write_planted(tmp_path / "bad")
    path = folder / "courses.csv"
    path.write_bytes(path.read_bytes().replace(b'"2014J","200"', b'"2014J","long"'))
    result = files_app.test_cli_runner().invoke(args=["risk", "evaluate", "--oulad", str(folder)])
    assert result.exit_code != 0
    assert "courses.csv, line 4, column 'module_presentation_length': 'long'" in result.output


@pytest.mark.parametrize("cell", ["inf", "1e999", "NaN", "-inf"])
def test_a_number_that_is_not_finite_is_named_not_a_crash(tmp_path, cell):
    """int(float("inf")) raised OverflowError, past the check; a NaN weight was read as one."""
    folder = write_planted(tmp_path / "bad")
    path = folder / "courses.csv"
    path.write_bytes(path.read_bytes().replace(b'"2014J","200"', f'"2014J","{cell}"'.encode()))
    with pytest.raises(OuladFormatError, match=f"line 4, column 'module_presentation_length': "
                                               f"'{cell}' is not a number"):
        read_oulad(folder)
    folder = write_planted(tmp_path / "weights")
    path = folder / "assessments.csv"
    rows = path.read_text().splitlines()
    header = rows[0].replace('"', "").split(",")
    cells = rows[1].split(",")
    cells[header.index("weight")] = cell
    path.write_text("\n".join([rows[0], ",".join(cells), *rows[2:]]) + "\n")
    with pytest.raises(OuladFormatError, match=f"assessments.csv, line 2, column 'weight': "
                                               f"'{cell}' is not a number"):
        read_oulad(folder)


@pytest.mark.skipif(not (SHARED / "studentInfo.csv").exists(),
                    reason=f"the OULAD files are not at {SHARED} (set PORTAL_OULAD_DIR)")
def test_the_real_files_are_read_in_place():
    registrations = read_oulad(SHARED)
    assert len(registrations) == 19363
    assert {r.year for r in registrations} == {"2013", "2014"}


def test_every_mapped_indicator_is_produced_and_is_an_input(registrations):
    found = indicators_for_class(registrations, 56)
    assert set(next(iter(found.values()))) == set(MAPPED)
    assert {name for name in feature_names() if " " not in name} == {*MAPPED, *EXTRA}


def test_the_auc_interval_resamples_students():
    import numpy as np

    separated = auc_interval(np.array([True, True, False, False]), np.array([.9, .8, .2, .1]))
    assert separated == [1.0, 1.0]
    at_risk = np.array([True, False] * 50)
    probability = np.where(at_risk, 0.6, 0.4) + np.linspace(-0.3, 0.3, 100)
    low, high = auc_interval(at_risk, probability)
    assert 0.6 < low < 0.765 < high < 0.9  # around the AUC of all 100 students, 0.765


def test_the_training_years_held_out_presentations_are_reported(report):
    import numpy as np

    figures = held_out_report(np.array([True, False, True, False]),
                              np.array([0.9, 0.2, np.nan, 0.6]))
    assert figures == {"auc": 1.0, "accuracy": round(100 * 2 / 3, 1)}  # the unknown row left out
    assert report["cutoffs"][1]["training_held_out_presentations"] == {"auc": 1.0,
                                                                     "accuracy": 100.0}
