"""The administrator's measurement settings: which nudge programs keep a random holdout."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.permissions import administrator_required, can_manage_school
from portal.extensions import db
from portal.messaging import bp, holdout, queries
from portal.messaging.holdout_forms import ExcludeFamilyForm, MeasurementForm
from portal.messaging.models import NudgeProgram
from portal.people.models import School


def _school() -> School:
    school = db.session.get(School, current_user.school_id or 0)
    if school is None or not can_manage_school(current_user, school.id):
        abort(404)
    return school


def _program(program: str) -> str:
    if program not in NudgeProgram.ALL:
        abort(404)
    return program


def _form(school: School, program: str) -> MeasurementForm:
    setting = holdout.setting_of(school.id, program)
    data = None if setting is None else {"measuring": setting.measuring, "weeks": setting.weeks,
                                         "share_percent": setting.share_percent}
    return MeasurementForm(prefix=program, formdata=None, data=data)


def _page(school: School, submitted: dict | None = None, status: int = 200):
    """Render both programs' forms; `submitted` holds a refused form by its program."""
    programs = [{"program": program, "label": holdout.PROGRAM_LABELS[program],
                 "form": (submitted or {}).get(program) or _form(school, program),
                 "setting": holdout.setting_of(school.id, program),
                 "held_out": queries.held_out_families(school.id, program)}
                for program in NudgeProgram.ALL]
    return render_template("messaging/measurement.html", programs=programs), status


@bp.get("/measurement")
@administrator_required
def measurement():
    return _page(_school())


@bp.post("/measurement/<program>")
@administrator_required
def save_measurement(program: str):
    school, program = _school(), _program(program)
    form = MeasurementForm(prefix=program)
    if not form.validate_on_submit():
        return _page(school, {program: form}, 422)
    holdout.save_measurement(school=school, program=program, actor=current_user,
                             measuring=bool(form.measuring.data),
                             share_percent=float(form.share_percent.data), weeks=form.weeks.data)
    db.session.commit()
    flash(_("The measurement settings are saved."), "success")
    return redirect(url_for("messaging.measurement"))


@bp.post("/measurement/<program>/exclude")
@administrator_required
def exclude_family(program: str):
    school, program = _school(), _program(program)
    form = ExcludeFamilyForm()
    setting = holdout.setting_of(school.id, program)
    if setting is None or not form.validate_on_submit():
        abort(404 if setting is None else 400)
    holdout.exclude_family(setting=setting, guardian_id=form.guardian_id.data, actor=current_user)
    db.session.commit()
    flash(_("The family is left out of the measurement and gets the messages."), "success")
    return redirect(url_for("messaging.measurement"))
