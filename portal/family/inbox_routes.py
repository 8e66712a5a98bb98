"""The family inbox: every message the school sent this guardian, and their replies."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.models import Role
from portal.core.errors import DomainError
from portal.core.navigation import add_nav_item
from portal.core.once import sent_once
from portal.core.permissions import guardian_required
from portal.extensions import db
from portal.family import bp
from portal.family.inbox_forms import ReplyForm
from portal.family.queries import children_of
from portal.family.services import child_of_reply, reply_in_thread
from portal.family.web import my_guardian
from portal.messaging import inbox as inbox_service
from portal.messaging import queries
from portal.messaging.rendering import text_to_html
from portal.needs.queries import request_of_thread
from portal.people.saving import attach_error

add_nav_item("family.inbox", _l("Messages"), roles=(Role.GUARDIAN,), order=20)


@bp.get("/inbox")
@guardian_required
def inbox():
    guardian = my_guardian()
    return render_template("family/inbox.html", threads=queries.inbox_of(guardian.id),
                           unread=queries.unread_count(guardian.id))


def _reply_form(thread, feedback) -> ReplyForm:
    """The reply form; it asks which child (or the school in general) only on a message about
    none of them in particular (a request's thread has its own), and only a guardian with a
    child they may name. The child chosen is checked by the service (a child no longer theirs
    is refused there, in words, not as an unknown choice)."""
    form = ReplyForm()
    children = children_of(current_user)
    if thread.student_id or feedback is not None or not children:
        del form.student_id
    else:
        form.student_id.choices = [(0, _("The school in general"))] + [
            (child.id, child.display_name) for child in children]
    return form


def _show_thread(thread, form: ReplyForm) -> str:
    return render_template("family/inbox_message.html", thread=thread,
                           body=text_to_html(thread.body_text),
                           replies=queries.thread_of(thread), form=form)


@bp.get("/inbox/<int:message_id>")
@guardian_required
def inbox_message(message_id: int):
    guardian = my_guardian()
    thread = inbox_service.get_thread_or_404(guardian, message_id)
    inbox_service.open_message(guardian=guardian, message=thread)
    db.session.commit()
    feedback = request_of_thread(thread.id)
    form = _reply_form(thread, feedback)
    try:  # a thread about a child no longer theirs: said before they write, not after
        child_of_reply(author=current_user, thread=thread, feedback=feedback, chosen_child_id=None)
    except DomainError as refused:
        attach_error(form, refused)
    return _show_thread(thread, form)


@bp.post("/inbox/<int:message_id>/reply")
@guardian_required
@sent_once
def reply(message_id: int):
    guardian = my_guardian()
    thread = inbox_service.get_thread_or_404(guardian, message_id)
    feedback = request_of_thread(thread.id)
    form = _reply_form(thread, feedback)
    if not form.validate_on_submit():
        return _show_thread(thread, form), 400
    try:
        reply_in_thread(guardian=guardian, author=current_user, thread=thread, feedback=feedback,
                        body=form.body.data,
                        chosen_child_id=form.student_id.data if form.student_id else None)
    except DomainError as refused:  # a closed request, a child no longer theirs: shown, not lost
        db.session.rollback()
        attach_error(form, refused)
        return _show_thread(thread, form), refused.status
    db.session.commit()
    flash(_("Your reply was sent to the school."), "success")
    return redirect(url_for("family.inbox_message", message_id=thread.id))
