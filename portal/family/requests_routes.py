"""A guardian's requests, questions, complaints and compliments, with the school's replies."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.once import sent_once
from portal.core.params import query_int
from portal.core.permissions import guardian_required
from portal.family import account_queries, bp, queries, services
from portal.family.forms import FeedbackForm, ReplyForm
from portal.family.web import my_guardian, save_or_show_error


@bp.get("/requests")
@guardian_required
def requests():
    rows = account_queries.list_feedback(current_user, my_guardian())
    return render_template("family/requests.html", rows=rows)


@bp.route("/requests/new", methods=["GET", "POST"])
@guardian_required
@sent_once
def new_request():
    guardian = my_guardian()
    form = FeedbackForm(student_id=query_int("student_id", 0))
    form.student_id.choices = [(0, _("The school in general"))] + [
        (child.id, child.display_name) for child in queries.children_of(current_user)]
    if form.validate_on_submit():
        feedback = save_or_show_error(form, lambda: services.submit_feedback(
            guardian=guardian, author=current_user, student_id=form.student_id.data,
            kind=form.kind.data, subject=form.subject.data, body=form.body.data))
        if feedback is not None:
            flash(_("Thank you. The school has your message and will answer here."), "success")
            return redirect(url_for("family.request_detail", feedback_id=feedback.id))
    status = 400 if request.method == "POST" else 200
    return render_template("family/request_new.html", form=form), status


@bp.route("/requests/<int:feedback_id>", methods=["GET", "POST"])
@guardian_required
@sent_once
def request_detail(feedback_id: int):
    feedback, child = account_queries.get_feedback_or_404(current_user, my_guardian(),
                                                          feedback_id)
    form = ReplyForm()
    if form.validate_on_submit():
        if save_or_show_error(form, lambda: services.reply_to_feedback(
                feedback=feedback, author=current_user, body=form.body.data)):
            flash(_("Your reply is sent."), "success")
            return redirect(url_for("family.request_detail", feedback_id=feedback.id))
    status = 400 if request.method == "POST" else 200
    return render_template("family/request_detail.html", feedback=feedback, child=child, form=form,
                           replies=account_queries.replies_to(feedback)), status
