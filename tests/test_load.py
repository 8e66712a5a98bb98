"""`make load` at a tiny scale: the same runner, gunicorn and Locust, 2 users for 5 seconds."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.real_clock  # the servers it starts keep the system clock
def test_load_run_signs_users_in_and_reports_every_page_without_errors(tmp_path):
    output = tmp_path / "load-results.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench.load", "--users", "2", "--seconds", "5", "--workers", "2",
         "--database-url", f"sqlite:///{tmp_path / 'load.db'}",
         "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results = json.loads(output.read_text())
    pages = results["pages"]
    assert results["users"] == 2 and results["gunicorn_workers"] == 2
    assert pages["/login [sign in]"]["requests"] == 2
    assert pages["All pages"]["errors"] == 0 and pages["All pages"]["requests"] > 4
    assert all(page["p95_ms"] >= page["p50_ms"] > 0 for page in pages.values())
    assert "| All pages |" in output.with_suffix(".md").read_text()
