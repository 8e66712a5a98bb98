"""Imports uploaded on the page: queue the file, let the worker run it, record progress.

The request only stores the file (instance/imports/, deleted once run) and an ImportJob
row; the worker's periodic job claims queued rows one by one and runs each in one
transaction. Progress is written through a separate connection so the page sees it while
the import runs (not on SQLite, which allows one writer at a time: there the bar jumps
from start to end).
"""

import uuid
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from portal.auth.models import User
from portal.core.permissions import visible_school_ids
from portal.core.planner import refresh_statistics
from portal.core.time import utcnow
from portal.extensions import db
from portal.imports.csvfiles import ImportFailed
from portal.imports.models import ImportJob, ImportStatus
from portal.imports.records_apply import import_records
from portal.imports.services import import_oneroster
from portal.people.models import School

KINDS = ("oneroster", "attendance", "grades")


def upload_folder() -> Path:
    """Return where uploads wait for the worker: IMPORT_UPLOAD_FOLDER, else instance/imports."""
    folder = Path(current_app.config.get("IMPORT_UPLOAD_FOLDER")
                  or Path(current_app.instance_path) / "imports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def queue_import(*, kind: str, file_name: str, data: bytes, actor: User,
                 dry_run: bool) -> ImportJob:
    """Store the uploaded file and queue it for the worker; flush, never commit."""
    stored_name = f"{uuid.uuid4().hex}{Path(file_name).suffix.lower()[:10]}"
    (upload_folder() / stored_name).write_bytes(data)
    job = ImportJob(kind=kind, file_name=file_name[:255], stored_name=stored_name,
                    school_id=actor.school_id, requested_by_id=actor.id, dry_run=dry_run)
    db.session.add(job)
    db.session.flush()
    return job


def _report_progress(job_id: int):
    if db.engine.dialect.name == "sqlite":
        return None

    def report(label: str, done: int, total: int) -> None:
        with db.engine.begin() as connection:
            connection.execute(update(ImportJob).where(ImportJob.id == job_id).values(
                progress_label=label, progress_done=done, progress_total=total))
    return report


def _scope(job: ImportJob) -> dict:
    """Return what a OneRoster set of this job may touch: the requester's school or district.

    An administrator with neither (who sets up the first district) is not limited.
    """
    if job.school_id is not None:
        return {"allowed_school_ids": {job.school_id}}
    requester = db.session.get(User, job.requested_by_id)
    if requester.district_id is None:
        return {}
    return {"allowed_school_ids": set(db.session.scalars(visible_school_ids(requester))),
            "district_id": requester.district_id}


def _run(job: ImportJob):
    path = upload_folder() / job.stored_name
    if job.kind == "oneroster":
        return import_oneroster(path=path, progress=_report_progress(job.id), **_scope(job))
    school = db.session.get(School, job.school_id) if job.school_id else None
    if school is None:
        raise ImportFailed.single(job.file_name, "an administrator of one school imports "
                                                 "attendance and grades for it")
    return import_records(kind=job.kind, name=job.file_name, data=path.read_bytes(),
                          school=school, actor=db.session.get(User, job.requested_by_id))


def _claim() -> int | None:
    job_id = db.session.scalar(select(ImportJob.id).where(
        ImportJob.status == ImportStatus.QUEUED).order_by(ImportJob.id).limit(1))
    if job_id is None:
        return None
    claimed = db.session.execute(update(ImportJob).where(
        ImportJob.id == job_id, ImportJob.status == ImportStatus.QUEUED)
        .values(status=ImportStatus.RUNNING)).rowcount
    db.session.commit()
    return job_id if claimed == 1 else None


def run_queued_imports() -> int:
    """Run every queued import (the worker calls this); return how many ran."""
    ran = 0
    while (job_id := _claim()) is not None:
        run_import_job(db.session.get(ImportJob, job_id))
        ran += 1
    return ran


def _failed(failed: ImportFailed) -> dict:
    return {"status": ImportStatus.FAILED, "errors": [
        {"file": e.file, "line": e.line, "column": e.column, "value": e.value,
         "reason": e.reason} for e in failed.errors]}


def run_import_job(job: ImportJob) -> None:
    """Run one claimed job: commit its changes (unless a dry run) and its outcome."""
    job_id, path = job.id, upload_folder() / job.stored_name
    try:
        summary = _run(job)
    except ImportFailed as failed:
        db.session.rollback()
        outcome = _failed(failed)
    except Exception:  # noqa: BLE001 — the job ends, failed, whatever stopped it
        db.session.rollback()
        current_app.logger.exception("import job %s stopped on an unexpected error", job_id)
        outcome = _failed(ImportFailed.single(job.file_name, "the import stopped on an "
                                                             "unexpected error; nothing was "
                                                             "imported"))
    else:
        if job.dry_run:
            db.session.rollback()
        else:
            db.session.commit()
        outcome = {"status": ImportStatus.DONE, "summary": summary.lines()}
    path.unlink(missing_ok=True)  # the roster's personal data does not outlive the job
    job = db.session.get(ImportJob, job_id)
    for name, value in outcome.items():
        setattr(job, name, value)
    job.finished_at, job.progress_done = utcnow(), job.progress_total
    db.session.commit()
    if outcome["status"] == ImportStatus.DONE and not job.dry_run:
        refresh_statistics()
