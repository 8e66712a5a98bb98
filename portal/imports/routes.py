"""The administrators' import page: upload a file, follow the worker's progress, see the outcome."""

from flask import abort, jsonify, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from portal.auth.models import Role
from portal.core.navigation import add_nav_item
from portal.core.permissions import administrator_required
from portal.extensions import db
from portal.imports import bp
from portal.imports.forms import KIND_LABELS, UploadForm
from portal.imports.jobs import queue_import
from portal.imports.models import ImportJob, ImportStatus

add_nav_item("imports.index", _l("Imports"), roles=(Role.ADMINISTRATOR,), order=96)


def _job_or_404(job_id: int) -> ImportJob:
    """Return an import job this administrator started (or one of their school's), else 404."""
    job = db.session.get(ImportJob, job_id)
    if job is None or (job.requested_by_id != current_user.id and
                       (job.school_id is None or job.school_id != current_user.school_id)):
        abort(404)
    return job


@bp.route("/", methods=["GET", "POST"])
@administrator_required
def index():
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        job = queue_import(kind=form.kind.data, file_name=upload.filename or "upload",
                           data=upload.read(), actor=current_user, dry_run=form.dry_run.data)
        db.session.commit()
        return redirect(url_for("imports.job", job_id=job.id))
    jobs = db.session.scalars(select(ImportJob).where(
        ImportJob.requested_by_id == current_user.id).order_by(ImportJob.id.desc()).limit(20))
    status = 400 if form.errors else 200
    return render_template("imports/index.html", form=form, jobs=list(jobs),
                           kinds=KIND_LABELS), status


@bp.get("/jobs/<int:job_id>")
@administrator_required
def job(job_id: int):
    return render_template("imports/job.html", job=_job_or_404(job_id), kinds=KIND_LABELS,
                           finished=ImportStatus.FINISHED)


@bp.get("/jobs/<int:job_id>/progress")
@administrator_required
def job_progress(job_id: int):
    job = _job_or_404(job_id)
    return jsonify(status=job.status, label=job.progress_label, done=job.progress_done,
                   total=job.progress_total, finished=job.status in ImportStatus.FINISHED)
