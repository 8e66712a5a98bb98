"""The needs and requests queue; recording a need; answering a family's request."""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.models import Role
from portal.core.navigation import add_nav_item
from portal.core.once import sent_once
from portal.core.permissions import (
    can_change_need,
    get_record_or_404,
    get_student_or_404,
    staff_required,
    staff_who_may_see,
)
from portal.extensions import db
from portal.interactions.services import chosen_user
from portal.needs import bp, queries, services
from portal.needs.forms import ConvertToNeedForm, FeedbackReplyForm, FeedbackUpdateForm, NeedForm
from portal.needs.models import Need
from portal.people.models import Student
from portal.people.queries import staff_of_school
from portal.people.saving import save_edit, save_or_refuse

add_nav_item("needs.queue", _l("Needs and requests"), roles=Role.STAFF, order=40)


def _need_fields(form: NeedForm) -> dict:
    return {"kind": form.kind.data, "title": form.title.data, "details": form.details.data,
            "status": form.status.data, "due_on": form.due_on.data,
            "visibility": form.visibility.data, "is_family_request": form.is_family_request.data,
            "owner": chosen_user(form.owner_id.data, field="owner_id")}


@bp.get("/")
@staff_required
def queue():
    only_active = request.args.get("all") != "1"
    mine = request.args.get("mine") == "1"
    requests = queries.feedback_queue(current_user, only_active=only_active, mine=mine)
    return render_template(
        "needs/queue.html", only_active=only_active, mine=mine, requests=requests,
        needs=queries.need_queue(current_user, only_active=only_active, mine=mine),
        timings=queries.request_timings([row[0] for row in requests]))



@bp.route("/new/<int:student_id>", methods=["GET", "POST"])
@staff_required
@sent_once
def new_need(student_id: int):
    student = get_student_or_404(current_user, student_id)
    form = NeedForm(data={"owner_id": current_user.id})
    form.set_staff(staff_who_may_see(student))
    if form.validate_on_submit() and save_or_refuse(form, lambda: services.record_need(
            student=student, actor=current_user, **_need_fields(form)),
            _("Need saved.")) is None:
        return redirect(url_for("students.profile", student_id=student.id))
    return render_template("needs/need_form.html", form=form, student=student), \
        400 if form.errors else 200


@bp.route("/<int:need_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_need(need_id: int):
    need = get_record_or_404(current_user, Need, need_id)
    student = get_student_or_404(current_user, need.student_id)
    may_change = can_change_need(current_user, need)
    if request.method == "POST" and not may_change:
        abort(403)
    form = _need_form(need, student)
    form, status = save_edit(form, lambda: services.update_need(
        need=need, student=student, actor=current_user, seen=form.seen.data,
        **_need_fields(form)), _("Need saved."), record=need, fields=services.NEED_FIELDS,
        refill=lambda: _need_form(need, student, formdata=None))
    if status is None:
        return redirect(url_for("students.profile", student_id=student.id))
    return render_template("needs/need_form.html", form=form, student=student, need=need,
                           may_change=may_change), status


def _need_form(need: Need, student, **sent) -> NeedForm:
    """The need's edit form, filled in from the need (with formdata=None, even when a form
    was sent)."""
    form = NeedForm(obj=need, **sent)
    form.set_staff(staff_who_may_see(student, kept=need.owner_id))
    return form


def _assignees(feedback) -> list:
    """Who a request may be assigned to: about a student, the staff who may see them (and
    whoever has it now); about the school, its staff."""
    if feedback.student_id is None:
        return staff_of_school(feedback.school_id)
    return staff_who_may_see(db.session.get(Student, feedback.student_id),
                             kept=feedback.assigned_to_id)


def _request_page(feedback, *, status=200, **forms):
    forms.setdefault("update_form", FeedbackUpdateForm(obj=feedback, formdata=None))
    forms.setdefault("reply_form", FeedbackReplyForm(formdata=None))
    forms.setdefault("convert_form", ConvertToNeedForm(formdata=None))
    forms["update_form"].set_staff(_assignees(feedback))
    return render_template("needs/request.html", feedback=feedback,
                           replies=queries.replies_of(feedback), **forms), status


@bp.get("/requests/<int:feedback_id>")
@staff_required
def request_detail(feedback_id: int):
    return _request_page(queries.get_feedback_or_404(current_user, feedback_id))


@bp.post("/requests/<int:feedback_id>/<action>")
@staff_required
@sent_once(actions=("reply", "convert"))
def request_action(feedback_id: int, action: str):
    feedback = queries.get_feedback_or_404(current_user, feedback_id)
    actions = _request_actions(feedback)
    if action not in actions:
        abort(404)
    form, run = actions[action]
    if form.validate_on_submit() and save_or_refuse(form, lambda: run(form), _("Saved.")) is None:
        return redirect(url_for("needs.request_detail", feedback_id=feedback.id))
    return _request_page(feedback, status=400, **{f"{action}_form": form})


def _request_actions(feedback) -> dict:
    update_form = FeedbackUpdateForm()
    update_form.set_staff(_assignees(feedback))
    return {
        "update": (update_form, lambda form: services.update_feedback(
            feedback=feedback, actor=current_user,
            assignee=chosen_user(form.assigned_to_id.data, field="assigned_to_id"),
            status=form.status.data)),
        "reply": (FeedbackReplyForm(), lambda form: services.reply_to_feedback(
            feedback=feedback, actor=current_user, body=form.body.data)),
        "convert": (ConvertToNeedForm(), lambda form: services.convert_feedback_to_need(
            feedback=feedback, actor=current_user, kind=form.kind.data)),
    }
