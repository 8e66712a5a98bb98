"""`make bench` keeps working: on a tiny district every measurement runs and has its shape."""

import json
import os
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from bench import run
from bench.district import (
    admin_engine,
    answer_flags,
    fresh_database,
    generator_version,
    keep_district,
    kept_district,
    load_district,
    make_app,
)
from portal.extensions import db
from portal.outcomes.models import Intervention
from portal.people.models import Student
from portal.risk.models import RiskAssessment
from portal.risk.services import current_rule_set
from tests import factories


@pytest.mark.real_clock  # the worker processes it starts live on the system clock
def test_the_benchmark_measures_a_tiny_district_and_writes_the_results(tmp_path, monkeypatch):
    output = tmp_path / "results.json"
    monkeypatch.setattr("sys.argv", [
        "bench", "--sizes", "12", "--database-url", f"sqlite:///{tmp_path / 'bench.db'}",
        "--delivery-sample", "6", "--workers", "1", "--requests", "3", "--digest-sample", "5",
        "--output", str(output)])
    run.main()
    results = json.loads(output.read_text())
    [measured] = results["runs"]
    assert measured["students"] == 12
    risk = measured["risk_recompute"]
    assert risk["students"] == 12 and risk["floor_rows"] == 12
    # The file rounds the recompute to hundredths and the floor to thousandths of a second (a
    # tiny floor is a millisecond or two), the ratio to tenths: it must lie within what the
    # rounded times allow.
    seconds, floor = risk["seconds"], risk["floor_seconds"]
    lowest = max(seconds - 0.005, 0) / (floor + 0.0005)
    highest = (seconds + 0.005) / max(floor - 0.0005, 1e-6)
    assert lowest - 0.05 <= risk["ratio"] <= highest + 0.05
    assert risk["full_floor_seconds"] > 0 and risk["full_ratio"] > 0
    assert risk["peak_rss_mb"] > 10  # the recompute's own process (bench/recompute.py)
    # Three earlier evenings were assessed first, the clock set to each: flags of different
    # ages, and the measured recompute an ordinary night's, the evening before assessed.
    history = measured["risk_history"]
    assert history["nights"] == [(date.fromisoformat(history["day"]) - timedelta(days=days))
                                 .isoformat() for days in (63, 28, 1)]
    assert history["interventions"] >= 0  # counsellors' answers (test_counsellors_answer…)
    for page in ("profile", "student_list", "dashboard", "families_not_reached"):
        assert measured["pages"][page]["p95_ms"] >= measured["pages"][page]["p50_ms"] > 0
        assert measured["pages"][page]["queries"] > 0
    # The district administrator's views: school 1 by the school filter, and every school.
    assert set(measured["district_pages"]) == {"profile", "student_list", "dashboard",
                                               "families_not_reached",
                                               "student_list_all_schools",
                                               "dashboard_all_schools",
                                               "families_not_reached_all_schools"}
    assert all(page["p95_ms"] >= page["p50_ms"] > 0 and page["queries"] > 0
               for page in measured["district_pages"].values())
    # The analyses and the compose page, school 1's and across the district's schools.
    analyses = {"intervention_effectiveness", "program_impact", "event_figures", "compose"}
    assert set(measured["analysis_pages"]) == analyses | {f"{name}_all_schools"
                                                          for name in analyses}
    assert all(page["p95_ms"] >= page["p50_ms"] > 0 and page["queries"] > 0
               and page["requests"] == 2 for page in measured["analysis_pages"].values())
    campaign = measured["campaign"]
    assert campaign["recipients"] > 12  # about 1.5 guardians a student, most with email
    assert campaign["workers"] == [{**campaign["workers"][0], "workers": 1, "delivered": 6,
                                    "duplicates": 0}]
    assert campaign["delivered_per_second"] > 0 and campaign["smtplib_per_second"] > 0
    assert campaign["worker_peak_rss_mb"] > 10
    # One campaign of the district's administrator to every guardian; each school's own
    # campaigns reach the same families and are rolled back after they are timed.
    per_school = campaign["per_school_campaigns"]
    assert per_school["campaigns"] == measured["district"]["schools"]
    assert per_school["deliveries"] == campaign["recipients"] and per_school["seconds"] > 0
    assert campaign["enqueue_seconds_for_90000"] >= campaign["enqueue_seconds"]
    with make_app(f"sqlite:///{tmp_path / 'bench.db'}").app_context():
        assessed_on = db.session.scalars(text(
            "SELECT DISTINCT date(computed_at) FROM risk_assessments")).all()
        assert len(assessed_on) == 4 and db.session.scalar(text(
            "SELECT count(*) FROM risk_assessments")) == 4 * 12
        # Beside the generator's newsletters (sent before), the district's campaign only.
        kept = "FROM campaigns WHERE title = 'Winter concert'"
        assert db.session.scalar(text(f"SELECT count(*) {kept}")) == 1
        assert db.session.scalar(text(
            f"SELECT count(*) FROM deliveries WHERE campaign_id IN (SELECT id {kept})")) \
            == campaign["recipients"]
        assert db.session.scalar(text(
            "SELECT count(DISTINCT guardians.school_id) FROM messages "
            "JOIN guardians ON guardians.id = messages.guardian_id "
            f"WHERE messages.campaign_id IN (SELECT id {kept})")) == per_school["campaigns"]
        # The newsletters' emails are left as sent: the sample came from the campaign.
        newsletters = db.session.execute(text(
            "SELECT count(*), sum(CASE WHEN status = 'sent' AND next_attempt_at = sent_at "
            f"THEN 1 ELSE 0 END) FROM deliveries WHERE campaign_id NOT IN (SELECT id {kept})"))
        emailed, untouched = newsletters.one()
        assert emailed > 6 and untouched == emailed
    # The weekly message of a sample of families, queued as the job does, and the projection.
    digest = measured["weekly_digest"]
    assert digest["sampled"] == min(5, digest["families"]) and digest["families"] > 5
    assert digest["queued"] >= 1 and digest["queries_per_family"] > 1
    assert digest["projected_all_families_minutes"] >= 0
    # The retention run erases the leavers and their families but the one erased on request.
    retention = measured["retention"]
    assert retention["failed"] == 0 and retention["people"] >= 1 and retention["seconds"] > 0
    roster = measured["oneroster_import"]
    assert roster["seconds"] > 0 and roster["reimport_seconds"] > 0
    assert roster["rows"]["users"] > 12
    table = output.with_suffix(".md").read_text()
    assert "| Risk recompute |" in table and "| District administrator: dashboard |" in table
    assert "| Analysis: program impact all schools |" in table
    assert "| Retention run (leavers past the period) |" in table
    assert f"{history['interventions']:,} new flags answered by an intervention" in table


@pytest.mark.postgres_only
def test_a_kept_district_is_copied_and_migrated_instead_of_generated_again(monkeypatch):
    """`--keep`: the district generated today comes back as a copy; another day's, or another
    generator's, does not."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): template databases")
    url = server.rsplit("/", 1)[0] + "/portal_bench_keep_test"
    url = fresh_database(url)
    try:
        with make_app(url).app_context():
            summary = load_district(12)
            # Vacuumed after the load, so index-only scans need not visit the new rows' pages.
            assert db.session.scalar(text(
                "SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'attendance_weeks'"))
            db.session.remove()
            db.engine.dispose()
        keep_district(url, 12, summary)
        today = date.fromisoformat(summary["day"])
        assert kept_district(url, 12, today - timedelta(days=1)) is None
        assert kept_district(url, 13, today) is None
        # Kept by another version of the generator: made again, not reused.
        monkeypatch.setattr("bench.district.generator_version", lambda: "another")
        assert kept_district(url, 12, today) is None
        monkeypatch.undo()
        template, kept = kept_district(url, 12, today)
        assert kept == summary and summary["generator"] == generator_version()
        copy = fresh_database(url, template=template)
        with make_app(copy).app_context():
            assert db.session.scalar(select(func.count()).select_from(Student)) == 12
            db.engine.dispose()
    finally:
        with admin_engine(url).connect() as connection:
            for name in ("portal_bench_keep_test", "portal_bench_keep_test_12_kept"):
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_each_timed_client_is_served_as_its_own_user(app, monkeypatch):
    """The benchmark times pages inside one app context, which Flask reuses for every
    request: a plain test client's second user would be served as the first."""
    from bench.pages import _signed_in
    from tests.people.helpers import district

    monkeypatch.setattr(app, "test_client_class", None)  # not the tests' own client
    valley = district()
    school, everywhere = _signed_in(app, valley.north_admin), _signed_in(app, valley.admin)
    assert 'name="school_id"' not in school.get("/messaging/campaigns/new").get_data(True)
    assert 'name="school_id"' in everywhere.get("/messaging/campaigns/new").get_data(True)
    assert 'name="school_id"' not in school.get("/messaging/campaigns/new").get_data(True)


def test_counsellors_answer_every_third_new_flag_of_an_evening_linked_to_it(app):
    """The bench's history: every third student newly flagged on an evening (in student
    order) gets an intervention on the day given, linked to that flag; a flag of another
    evening, an assessment that is no new flag and a level of "none" get none."""
    school = factories.make_school()
    students = sorted((factories.make_student(school) for _ in range(8)),
                      key=lambda student: student.id)
    rules = current_rule_set(school)
    evening = datetime(2026, 10, 5, 22)  # as the clock was set: every flag of the evening

    def assess(student, level="watch", moment=evening, new=True):
        assessment = RiskAssessment(student_id=student.id, rule_set_id=rules.id, score=50,
                                    level=level, reasons=[], computed_at=moment,
                                    is_new_flag=new)
        db.session.add(assessment)
        db.session.flush()
        return assessment

    flags = [assess(student) for student in students[:5]]
    assess(students[5], moment=evening - timedelta(days=1))  # other evenings' flags
    assess(students[5], level="high", moment=evening + timedelta(days=1))
    assess(students[6], new=False)  # flagged before: no news
    assess(students[7], level="none")
    assert answer_flags(evening, date(2026, 10, 8)) == 2
    answered = db.session.execute(select(
        Intervention.student_id, Intervention.risk_assessment_id, Intervention.opened_on,
        Intervention.status).order_by(Intervention.student_id)).all()
    assert answered == [(flag.student_id, flag.id, date(2026, 10, 8), "open")
                        for flag in (flags[0], flags[3])]
