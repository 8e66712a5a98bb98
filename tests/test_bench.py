"""`make bench` keeps working: on a tiny district every measurement runs and has its shape."""

import json

import pytest

from bench import run


@pytest.mark.real_clock  # the worker processes it starts live on the system clock
def test_the_benchmark_measures_a_tiny_district_and_writes_the_results(tmp_path, monkeypatch):
    output = tmp_path / "results.json"
    monkeypatch.setattr("sys.argv", [
        "bench", "--sizes", "12", "--database-url", f"sqlite:///{tmp_path / 'bench.db'}",
        "--delivery-sample", "6", "--workers", "1", "--requests", "3",
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
    for page in ("profile", "student_list", "dashboard"):
        assert measured["pages"][page]["p95_ms"] >= measured["pages"][page]["p50_ms"] > 0
        assert measured["pages"][page]["queries"] > 0
    campaign = measured["campaign"]
    assert campaign["recipients"] > 12  # about 1.5 guardians a student, most with email
    assert campaign["workers"] == [{**campaign["workers"][0], "workers": 1, "delivered": 6,
                                    "duplicates": 0}]
    assert campaign["delivered_per_second"] > 0 and campaign["smtplib_per_second"] > 0
    assert campaign["worker_peak_rss_mb"] > 10
    roster = measured["oneroster_import"]
    assert roster["seconds"] > 0 and roster["reimport_seconds"] > 0
    assert roster["rows"]["users"] > 12
    assert "| Risk recompute |" in output.with_suffix(".md").read_text()
