"""Periodic jobs (nightly risk recompute, weekly digests, reminders) run by the worker.

A feature registers a job once; `run_due_jobs()` runs each whose time has come. The last
run is kept in the database and claimed with a conditional update, so several workers
never run the same job twice for the same slot.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.bulk import chunks
from portal.core.time import utcnow
from portal.extensions import db

CHECKPOINT_EVERY = 500  # items a long job handles between two commits
T = TypeVar("T")


def checkpointed(items: Iterable[T], checkpoint: Callable[[], object] | None,
                    every: int | None = None) -> Iterator[T]:
    """Yield the items, calling `checkpoint` (the job's commit) after every `every` of them
    (CHECKPOINT_EVERY). A job over a district's 72,000 families then keeps its work as it
    goes, instead of in one transaction of half an hour: the families' messages can be sent
    while it runs, its memory stays that of one batch, and a failure loses one batch, which
    the next run (skipping what was done) does again."""
    every = every or CHECKPOINT_EVERY
    for number, item in enumerate(items, 1):
        yield item
        if checkpoint is not None and number % every == 0:
            checkpoint()


def batches(items: Sequence[T], size: int | None = None) -> Iterator[Sequence[T]]:
    """Yield the items `size` (CHECKPOINT_EVERY) at a time, for a job that reads each batch's
    records when it starts and commits when it ends."""
    return chunks(items, size or CHECKPOINT_EVERY)


class JobRun(db.Model):
    """When a periodic job last ran."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_run_at: Mapped[datetime]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    run: Callable[[], object]  # called inside an app context; it commits its own work
    every: timedelta


_JOBS: dict[str, PeriodicJob] = {}


def add_periodic_job(name: str, run: Callable[[], object], *, every: timedelta) -> None:
    """Register a job the worker runs once per `every` (e.g. timedelta(days=1))."""
    _JOBS[name] = PeriodicJob(name, run, every)


def registered_jobs() -> list[PeriodicJob]:
    """Return the registered jobs."""
    return list(_JOBS.values())


def _claim(job: PeriodicJob, now: datetime) -> bool:
    last = db.session.scalar(select(JobRun.last_run_at).where(JobRun.name == job.name))
    if last is None:
        db.session.add(JobRun(name=job.name, last_run_at=now))
        try:
            db.session.commit()
        except Exception:  # another worker inserted it first
            db.session.rollback()
            return False
        return True
    if last > now - job.every:
        return False
    claimed = db.session.execute(
        update(JobRun).where(JobRun.name == job.name, JobRun.last_run_at == last)
        .values(last_run_at=now)
    ).rowcount
    db.session.commit()
    return claimed == 1


def run_due_jobs(now: datetime | None = None) -> list[str]:
    """Run every job whose period has passed; return the names of those that ran."""
    now = now or utcnow()
    ran = []
    for job in registered_jobs():
        if _claim(job, now):
            job.run()
            ran.append(job.name)
    return ran
