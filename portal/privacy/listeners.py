"""The privacy feature's periodic job: erase people past their school's retention period."""

from datetime import timedelta

from portal.core.jobs import add_periodic_job
from portal.extensions import db


def run_retention() -> None:
    """Apply retention and commit (run daily by the worker)."""
    from portal.privacy.services import apply_retention

    apply_retention()
    db.session.commit()


def connect() -> None:
    """Register the daily retention job."""
    add_periodic_job("privacy-retention", run_retention, every=timedelta(days=1))
