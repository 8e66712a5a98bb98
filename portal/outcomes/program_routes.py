"""Administrators manage programs and activities and who takes part."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.models import Role
from portal.core.navigation import add_nav_item
from portal.core.once import sent_once
from portal.core.permissions import administrator_required, get_record_or_404, get_student_or_404
from portal.extensions import db
from portal.outcomes import bp, entry_queries, program_services
from portal.outcomes.forms import (
    EndEnrollmentForm,
    ProgramEnrollmentForm,
    ProgramForm,
    ProgramStatusForm,
)
from portal.outcomes.models import ProgramEnrollment
from portal.people.saving import save_edit, save_or_refuse

add_nav_item("outcomes.programs", _l("Programs"), roles=(Role.ADMINISTRATOR,), order=60)


@bp.route("/programs", methods=["GET", "POST"])
@administrator_required
@sent_once
def programs():
    form = ProgramForm()
    if form.is_submitted() and not current_user.school_id:  # a district's administrator
        form.form_errors.append(_("A program belongs to one school: its own administrator "
                                  "adds it."))
    elif form.validate_on_submit() and save_or_refuse(
            form, lambda: program_services.create_program(
                school_id=current_user.school_id, actor=current_user, name=form.name.data,
                kind=form.kind.data, description=form.description.data),
            _("Program added.")) is None:
        return redirect(url_for(".programs"))
    return render_template("outcomes/programs.html", form=form,
                           programs=entry_queries.programs_of(current_user)
                           ), 400 if form.errors else 200


def _enrollment_form(program) -> ProgramEnrollmentForm:
    form = ProgramEnrollmentForm()
    form.student_id.choices = [(None, "—")] + [
        (s.id, f"{s.last_name}, {s.first_name} ({s.grade_level})")
        for s in entry_queries.school_students(program.school_id)]
    return form


@bp.route("/programs/<int:program_id>", methods=["GET", "POST"])
@administrator_required
@sent_once
def program(program_id: int):
    found = entry_queries.get_program_or_404(current_user, program_id)
    form = _enrollment_form(found)
    if form.validate_on_submit() and save_or_refuse(form, lambda: program_services.enroll_student(
            program=found, student=get_student_or_404(current_user, form.student_id.data),
            actor=current_user, starts_on=form.starts_on.data, ends_on=form.ends_on.data),
            _("Student added to the program.")) is None:
        return redirect(url_for(".program", program_id=found.id))
    return render_template("outcomes/program.html", program=found, form=form,
                           status_form=ProgramStatusForm(formdata=None),
                           participants=entry_queries.participants(found)
                           ), 400 if form.errors else 200


@bp.route("/programs/<int:program_id>/edit", methods=["GET", "POST"])
@administrator_required
def edit_program(program_id: int):
    found = entry_queries.get_program_or_404(current_user, program_id)
    form = ProgramForm(obj=found)
    form, status = save_edit(form, lambda: program_services.edit_program(
        program=found, actor=current_user, name=form.name.data, kind=form.kind.data,
        description=form.description.data, places_by_lottery=form.places_by_lottery.data,
        seen=form.seen.data), _("Program saved."), record=found,
        fields=program_services.EDITED_FIELDS,
        refill=lambda: ProgramForm(formdata=None, obj=found))
    if status is None:
        return redirect(url_for(".program", program_id=found.id))
    return render_template("outcomes/program_form.html", program=found, form=form), status


@bp.post("/programs/<int:program_id>/status")
@administrator_required
def program_status(program_id: int):
    found = entry_queries.get_program_or_404(current_user, program_id)
    form = ProgramStatusForm()
    if form.validate_on_submit():
        program_services.set_program_active(program=found, actor=current_user,
                                            is_active=form.is_active.data)
        db.session.commit()
        flash(_("Program reactivated.") if found.is_active else
              _("Program deactivated: no new participants; its history stays."), "success")
    return redirect(url_for(".program", program_id=found.id))


@bp.post("/program-enrollments/<int:enrollment_id>/end")
@administrator_required
def end_enrollment(enrollment_id: int):
    enrollment = get_record_or_404(current_user, ProgramEnrollment, enrollment_id)
    student = get_student_or_404(current_user, enrollment.student_id)
    form = EndEnrollmentForm()
    if not form.validate_on_submit():
        flash(" ".join(map(str, form.ends_on.errors)) or _("Enter a date as YYYY-MM-DD."), "error")
    elif save_or_refuse(form, lambda: program_services.end_enrollment(
            enrollment=enrollment, student=student, actor=current_user,
            ends_on=form.ends_on.data), _("Participation ended.")) is not None:
        flash(" ".join(map(str, form.ends_on.errors + form.form_errors)), "error")
    return redirect(url_for(".program", program_id=enrollment.program_id))
