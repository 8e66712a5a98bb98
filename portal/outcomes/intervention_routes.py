"""Intervention plans: open from a student's page, add progress notes, close."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.codes import word_of
from portal.core.once import sent_once
from portal.core.permissions import (
    get_record_or_404,
    get_student_or_404,
    staff_required,
    staff_who_may_see,
)
from portal.core.time import today_in
from portal.interactions.services import chosen_user
from portal.needs.queries import needs_of_student
from portal.outcomes import bp, entry_queries
from portal.outcomes import intervention_services as services
from portal.outcomes.forms import (
    VISIBILITY,
    CloseInterventionForm,
    InterventionForm,
    InterventionNoteForm,
)
from portal.outcomes.models import Intervention, InterventionStatus
from portal.people.saving import save_edit, save_or_refuse
from portal.risk.queries import latest_risk


def _plan_form(student, plan: Intervention | None = None, **sent) -> InterventionForm:
    """The plan's form, filled in from the plan being changed (or owned by the user); with
    formdata=None, from the plan even when a form was sent."""
    form = InterventionForm(obj=plan, data=None if plan else {"owner_id": current_user.id},
                            **sent)
    form.owner_id.choices = [
        (u.id, u.full_name) for u in staff_who_may_see(student, kept=plan and plan.owner_id)]
    form.need_id.choices = [(None, "—")] + [(n.id, n.title) for n in needs_of_student(student)]
    risk = latest_risk(student)
    flags = [(risk.id, _("Latest risk flag: %(level)s", level=word_of(risk.level)))] if risk else []
    if plan and plan.risk_assessment_id and plan.risk_assessment_id != (risk and risk.id):
        flags.insert(0, (plan.risk_assessment_id, _("The flag the plan answers")))
    form.risk_assessment_id.choices = [(None, "—")] + flags
    return form


def _plan_fields(form: InterventionForm, student) -> dict:
    """What the form says of the plan, for opening or changing it."""
    return {"student": student, "actor": current_user,
            "owner": chosen_user(form.owner_id.data, field="owner_id"), "reason": form.reason.data,
            "goal": form.goal.data, "actions": form.actions.data,
            "review_on": form.review_on.data, "need_id": form.need_id.data,
            "risk_assessment_id": form.risk_assessment_id.data,
            "visibility": form.visibility.data, "today": today_in(student.school.timezone)}


@bp.route("/students/<int:student_id>/interventions/new", methods=["GET", "POST"])
@staff_required
@sent_once
def new_intervention(student_id: int):
    student = get_student_or_404(current_user, student_id)
    form = _plan_form(student)
    if form.validate_on_submit() and save_or_refuse(form, lambda: services.open_intervention(
            **_plan_fields(form, student)), _("Intervention opened.")) is None:
        return redirect(url_for("students.profile", student_id=student.id))
    return render_template("outcomes/intervention_form.html", form=form,
                           student=student), 400 if form.errors else 200


@bp.route("/interventions/<int:intervention_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_intervention(intervention_id: int):
    plan = get_record_or_404(current_user, Intervention, intervention_id)
    student = get_student_or_404(current_user, plan.student_id)
    if plan.status == InterventionStatus.CLOSED and request.method == "GET":
        flash(_("This intervention is closed; its plan can no longer be changed."), "info")
        return redirect(url_for(".intervention", intervention_id=plan.id))
    form = _plan_form(student, plan)
    form, status = save_edit(form, lambda: services.update_intervention(
        plan=plan, seen=form.seen.data, **_plan_fields(form, student)), _("Plan saved."),
        record=plan, fields=services.PLAN_FIELDS,
        refill=lambda: _plan_form(student, plan, formdata=None))
    if status is None:
        return redirect(url_for(".intervention", intervention_id=plan.id))
    return render_template("outcomes/intervention_form.html", form=form, student=student,
                           plan=plan), status


def _plan_page(plan, student, *, status=200, **forms):
    forms.setdefault("note_form", InterventionNoteForm(formdata=None))
    forms.setdefault("close_form", CloseInterventionForm(formdata=None))
    return render_template("outcomes/intervention.html", plan=plan, student=student,
                           notes=entry_queries.notes_of(plan), readers=dict(VISIBILITY),
                           **entry_queries.plan_details(plan), **forms), status


@bp.get("/interventions/<int:intervention_id>")
@staff_required
def intervention(intervention_id: int):
    plan = get_record_or_404(current_user, Intervention, intervention_id)
    return _plan_page(plan, get_student_or_404(current_user, plan.student_id))


def _plan_actions(plan, student) -> dict:
    today = today_in(student.school.timezone)
    return {
        "note": (InterventionNoteForm(), _("Note added."),
                 lambda form: services.add_intervention_note(
                     plan=plan, student=student, actor=current_user, body=form.body.data)),
        "close": (CloseInterventionForm(), _("Intervention closed."),
                  lambda form: services.close_intervention(
                      plan=plan, student=student, actor=current_user, outcome=form.outcome.data,
                      today=today)),
    }


@bp.post("/interventions/<int:intervention_id>/<action>")
@staff_required
@sent_once
def plan_action(intervention_id: int, action: str):
    plan = get_record_or_404(current_user, Intervention, intervention_id)
    student = get_student_or_404(current_user, plan.student_id)
    actions = _plan_actions(plan, student)
    if action not in actions:
        abort(404)
    form, success, run = actions[action]
    refused = form.validate_on_submit() and save_or_refuse(form, lambda: run(form), success)
    if refused is None:
        return redirect(url_for(".intervention", intervention_id=plan.id))
    return _plan_page(plan, student, status=refused.status if refused else 400,
                      **{f"{action}_form": form})
