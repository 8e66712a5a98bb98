"""Teacher notes: the weekly page listing the teacher's students' families, and the send."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.models import Role
from portal.core.locale import school_timezone
from portal.core.navigation import add_nav_item
from portal.core.permissions import staff_required
from portal.core.time import monday_of, today_in
from portal.extensions import db
from portal.interactions import bp, queries
from portal.interactions.forms import TeacherNoteForm
from portal.interactions.notes import (
    NOTE_MAX_LENGTH,
    NoteAlreadySent,
    send_teacher_note,
    teaches,
)
from portal.people.models import Student

add_nav_item("interactions.notes", _l("Notes to families"), roles=(Role.TEACHER,), order=32)


def _roster_page(errors: dict | None = None, status: int = 200):
    week = monday_of(today_in(school_timezone()))
    return render_template("interactions/notes.html", week=week, errors=errors or {},
                           roster=queries.note_roster(current_user, week),
                           max_length=NOTE_MAX_LENGTH), status


@bp.get("/notes")
@staff_required
def notes():
    return _roster_page()


@bp.post("/notes/<int:student_id>")
@staff_required
def send_note(student_id: int):
    if not teaches(current_user, student_id):
        abort(404)
    student = db.session.get(Student, student_id)
    form = TeacherNoteForm()
    if not form.validate_on_submit():
        return _roster_page({student.id: " ".join(map(str, form.note.errors))}, 422)
    try:
        send_teacher_note(teacher=current_user, student=student, note=form.note.data,
                          today=today_in(school_timezone()))
    except NoteAlreadySent as already:
        db.session.rollback()
        flash(already.message, "info")
        return redirect(url_for("interactions.notes"), 303)
    db.session.commit()
    flash(_("Your note about %(name)s is on its way to the family.", name=student.display_name),
          "success")
    return redirect(url_for("interactions.notes"), 303)
