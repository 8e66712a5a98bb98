"""Log and edit contacts from a student's page; the staff member's follow-ups."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.models import Role
from portal.core.locale import school_timezone
from portal.core.navigation import add_nav_item
from portal.core.once import sent_once
from portal.core.params import query_int
from portal.core.permissions import (
    can_close_follow_up,
    get_record_or_404,
    get_student_or_404,
    staff_required,
)
from portal.core.time import to_utc, today_in
from portal.extensions import db
from portal.interactions import bp, queries, services
from portal.interactions.forms import interaction_form
from portal.interactions.models import Interaction
from portal.people.queries import guardian_links_of
from portal.people.saving import save_edit, save_or_refuse

add_nav_item("interactions.follow_ups", _l("My follow-ups"), roles=Role.STAFF, order=30)


def _fields(form, student) -> dict:
    return {
        "channel": form.channel.data, "direction": form.direction.data,
        "occurred_at": to_utc(form.occurred_at.data, student.school.timezone),
        "summary": form.summary.data, "outcome": form.outcome.data or None,
        "follow_up_due_on": form.follow_up_due_on.data, "visibility": form.visibility.data,
        "follow_up_owner": services.chosen_user(form.follow_up_owner_id.data,
                                               field="follow_up_owner_id"),
        "staff_ids": form.staff_ids.data or [], "guardian_ids": form.guardian_ids.data or [],
    }


@bp.route("/new/<int:student_id>", methods=["GET", "POST"])
@staff_required
@sent_once
def new(student_id: int):
    student = get_student_or_404(current_user, student_id)
    follows_id = query_int("follows")
    follows = get_record_or_404(current_user, Interaction, follows_id) if follows_id else None
    if follows is not None and follows.student_id != student.id:  # another student's follow-up
        abort(404)
    if follows is not None and not can_close_follow_up(current_user, follows):
        abort(403)
    form = interaction_form(student, guardian_links_of(student), author=current_user)
    if form.validate_on_submit() and save_or_refuse(form, lambda: services.log_interaction(
            student=student, author=current_user, follows=follows, **_fields(form, student)),
            _("Contact logged.")) is None:
        return redirect(url_for("students.profile", student_id=student.id))
    return render_template("interactions/form.html", form=form, student=student,
                           follows=follows), 400 if form.errors else 200


@bp.route("/<int:interaction_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(interaction_id: int):
    interaction = get_record_or_404(current_user, Interaction, interaction_id)
    student = get_student_or_404(current_user, interaction.student_id)
    if not services.may_edit(current_user, interaction):
        abort(403)
    form = _edit_form(student, interaction)
    form, status = save_edit(form, lambda: services.edit_interaction(
        interaction=interaction, student=student, editor=current_user, seen=form.seen.data,
        **_fields(form, student)), _("Changes saved; the earlier version is kept."),
        record=interaction, fields=services.EDITABLE,
        refill=lambda: _edit_form(student, interaction, formdata=None))
    if status is None:
        return redirect(url_for("students.profile", student_id=student.id))
    return render_template("interactions/form.html", form=form, student=student,
                           interaction=interaction,
                           revisions=queries.revisions_of(interaction)), status


def _edit_form(student, interaction: Interaction, **sent):
    """The contact's edit form, filled in from the contact (with formdata=None, even when a
    form was sent), with its participants when shown."""
    form = interaction_form(student, guardian_links_of(student), author=current_user,
                            interaction=interaction, **sent)
    if not form.is_submitted() or "formdata" in sent:
        form.staff_ids.data, form.guardian_ids.data = queries.participant_ids(interaction)
    return form


@bp.get("/follow-ups")
@staff_required
def follow_ups():
    return render_template("interactions/follow_ups.html", today_date=today_in(school_timezone()),
                           **queries.follow_ups_of(current_user))


@bp.post("/<int:interaction_id>/done")
@staff_required
def mark_done(interaction_id: int):
    interaction = get_record_or_404(current_user, Interaction, interaction_id)
    student = get_student_or_404(current_user, interaction.student_id)
    if not can_close_follow_up(current_user, interaction):
        abort(403)
    services.complete_follow_up(interaction=interaction, actor=current_user, student=student)
    db.session.commit()
    flash(_("Follow-up marked as done."), "success")
    if request.form.get("back") == "profile":
        return redirect(url_for("students.profile", student_id=student.id))
    return redirect(url_for("interactions.follow_ups"))
