"""The privacy feature's hooks: the daily retention job and the profile panel."""

from datetime import timedelta

from portal.core.extension_points import add_profile_panel
from portal.core.jobs import add_periodic_job
from portal.extensions import db


def run_retention() -> None:
    """Apply retention and commit (run daily by the worker)."""
    from portal.privacy.services import apply_retention

    apply_retention()
    db.session.commit()


def connect() -> None:
    """Register the daily retention job and the consents panel of the student profile."""
    from portal.privacy.panel import privacy_panel

    add_periodic_job("privacy-retention", run_retention, every=timedelta(days=1))
    add_profile_panel("privacy.consents", "privacy/_profile_panel.html", privacy_panel,
                      order=30)
