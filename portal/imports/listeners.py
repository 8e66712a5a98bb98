"""Register the worker's job that runs uploaded imports."""

from datetime import timedelta

from portal.core.jobs import add_periodic_job
from portal.imports.jobs import run_queued_imports


def connect() -> None:
    """Run queued imports on every pass of the worker."""
    add_periodic_job("imports-run-queued", run_queued_imports, every=timedelta(seconds=5))
