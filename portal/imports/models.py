"""An import uploaded on the page and run by the worker, with its progress and outcome."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import CODE
from portal.core.time import utcnow
from portal.extensions import db


class ImportStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    FINISHED = (DONE, FAILED)


class ImportJob(db.Model):
    """One uploaded file waiting for, being run by, or run by the worker."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), info=CODE)  # oneroster, attendance or grades
    file_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100))  # in instance/imports/
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    dry_run: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(20), default=ImportStatus.QUEUED, index=True,
                                        info=CODE)
    progress_label: Mapped[str] = mapped_column(String(100), default="")
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    summary: Mapped[list | None] = mapped_column(db.JSON)  # the summary's lines
    errors: Mapped[list | None] = mapped_column(db.JSON)  # [{file, line, column, value, reason}]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
