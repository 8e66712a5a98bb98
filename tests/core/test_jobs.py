"""Periodic jobs run once per period, even with several workers."""

from datetime import datetime, timedelta

from portal.core import jobs


def test_a_job_runs_once_per_period(app, monkeypatch):
    monkeypatch.setattr(jobs, "_JOBS", {})
    runs = []
    jobs.add_periodic_job("count", lambda: runs.append(1), every=timedelta(days=1))
    start = datetime(2026, 11, 23, 2, 0)
    assert jobs.run_due_jobs(start) == ["count"]
    assert jobs.run_due_jobs(start + timedelta(hours=3)) == []
    assert jobs.run_due_jobs(start + timedelta(days=1, minutes=1)) == ["count"]
    assert len(runs) == 2


def test_a_second_worker_with_a_stale_view_does_not_run_the_job_again(app, monkeypatch):
    monkeypatch.setattr(jobs, "_JOBS", {})
    job = jobs.PeriodicJob("nightly", lambda: None, timedelta(days=1))
    now = datetime(2026, 11, 23, 2, 0)
    assert jobs._claim(job, now)
    later = now + timedelta(days=2)
    assert jobs._claim(job, later)
    assert not jobs._claim(job, later)  # same slot: already claimed


def test_a_long_job_checkpoints_after_every_batch_of_items_it_has_done():
    done, log = [], []
    for item in jobs.checkpointed(range(7), lambda: log.append(list(done)), every=3):
        done.append(item)
    # After the 3rd and the 6th item's work, never before it; the rest is the job's own commit.
    assert log == [[0, 1, 2], [0, 1, 2, 3, 4, 5]]
    assert list(jobs.checkpointed(range(4), None, every=1)) == [0, 1, 2, 3]
