"""The staff student list (and its CSV) and the student 360 profile."""

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.extension_points import profile_panels
from portal.core.fields import optional_id
from portal.core.params import query_int
from portal.core.permissions import chosen_school_id, get_student_or_404, staff_required
from portal.core.signals import student_viewed
from portal.core.time import utcnow
from portal.extensions import db
from portal.interactions.forms import interaction_form
from portal.students import bp, profile_data, queries
from portal.students.export import students_csv
from portal.students.forms import StudentFilterForm
from portal.students.student_list import PER_PAGE, StudentFilters, find_students
from portal.students.timeline import KINDS


def _filter_form() -> tuple[StudentFilterForm, StudentFilters]:
    school_id = chosen_school_id(current_user)  # another district's school: 404
    form = StudentFilterForm(formdata=request.args)
    form.set_choices(queries.filter_choices(current_user, school_id,
                                            section_id=_asked("section_id"),
                                            program_id=_asked("program_id")))
    return form, form.filters() if form.validate() else StudentFilters(school_id=school_id)


def _asked(name: str) -> int | None:
    """The class or program asked for, if it reads as an id (the form reports one that does
    not)."""
    try:
        return optional_id(request.args.get(name))
    except ValueError:
        return None


@bp.get("/students")
@staff_required
def student_list():
    form, filters = _filter_form()
    page = query_int("page", 1, minimum=1)
    rows, total = find_students(current_user, filters, page=page,
                                since=queries.term_start(current_user, filters.school_id))
    arguments = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("students/student_list.html", form=form, rows=rows, total=total,
                           page=page, per_page=PER_PAGE, arguments=arguments), \
        400 if form.errors else 200


@bp.get("/students.csv")
@staff_required
def student_list_csv():
    form, filters = _filter_form()
    if form.errors:  # a filter it cannot apply: no export of everyone instead
        problems = "; ".join(f"{form[name].label.text}: {' '.join(errors)}"
                             for name, errors in form.errors.items() if name in form)
        return Response(_("The list was not exported: %(problems)s",
                          problems=problems) + "\n", status=400, mimetype="text/plain")
    rows, _total = find_students(current_user, filters, page=None,
                                 since=queries.term_start(current_user, filters.school_id))
    filename = f"students-{utcnow():%Y-%m-%d}.csv"
    return Response(students_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/students/<int:student_id>")
@staff_required
def profile(student_id: int):
    student = get_student_or_404(current_user, student_id)
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else None
    data = profile_data.profile_of(student, kind=kind, chart_titles=(
        _("Attendance rate per month"), _("Average grade per period")))
    form = interaction_form(student, data["guardians"], author=current_user, formdata=None)
    student_viewed.send(current_user._get_current_object(), student=student)
    page = render_template("students/profile.html", student=student, kind=kind, kinds=KINDS,
                           interaction_form=form, panels=profile_panels(current_user, student),
                           **data)
    db.session.commit()  # after rendering: a commit expires every record the page reads
    return page
