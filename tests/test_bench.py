"""`make bench` keeps working: its measurements run and produce numbers."""

import json

from bench import run


def test_the_benchmark_writes_its_measurements_as_json(tmp_path, monkeypatch, app_config):
    output = tmp_path / "bench.json"
    monkeypatch.setattr("sys.argv", ["bench", "--output", str(output)])
    run.main()
    results = json.loads(output.read_text())
    assert results["demo_load_seconds"] > 0
    assert results["student_search_administrator_matches"] > results[
        "student_search_teacher_matches"] > 0
    assert results["risk_bench"]["recompute_students"] >= 300
