"""Staff read a family's thread and answer it inside the portal."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.once import sent_once
from portal.core.permissions import get_student_or_404, staff_required
from portal.extensions import db
from portal.messaging import bp, queries
from portal.messaging.forms import AnswerForm
from portal.messaging.inbox import answer_family, thread_student_id
from portal.messaging.models import Message
from portal.messaging.rendering import text_to_html


def _thread_or_404(message_id: int) -> tuple[Message, object]:
    thread = db.get_or_404(Message, message_id)
    if thread.thread_id is not None:
        thread = db.get_or_404(Message, thread.thread_id)
    return thread, get_student_or_404(current_user, thread_student_id(thread) or 0)


def _show(thread: Message, student, form: AnswerForm, status: int = 200):
    return render_template("messaging/thread.html", thread=thread, student=student, form=form,
                           body=text_to_html(thread.body_text),
                           replies=queries.thread_of(thread)), status


@bp.get("/threads/<int:message_id>")
@staff_required
def thread(message_id: int):
    thread, student = _thread_or_404(message_id)
    return _show(thread, student, AnswerForm())


@bp.post("/threads/<int:message_id>/answer")
@staff_required
@sent_once
def answer(message_id: int):
    thread, student = _thread_or_404(message_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _show(thread, student, form, 400)
    answer_family(thread=thread, actor=current_user, student=student, body=form.body.data)
    db.session.commit()
    flash(_("Your answer is sent to the family."), "success")
    return redirect(url_for("messaging.thread", message_id=thread.id))
