"""Teachers' outcomes entry: the day's attendance and grade grids for a section; behaviour."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.models import Role
from portal.core.navigation import add_nav_item
from portal.core.once import sent_once
from portal.core.params import query_date, query_int
from portal.core.permissions import (
    chosen_school_id,
    get_student_or_404,
    staff_required,
    visible_schools,
)
from portal.core.time import to_local, to_utc, utcnow
from portal.outcomes import bp, entry_queries, services, work_marks
from portal.outcomes.forms import AttendanceForm, BehaviourForm, GradeGridForm
from portal.outcomes.models import AttendanceStatus, WorkStatus
from portal.people.queries import offers_classes
from portal.people.saving import save_or_refuse

add_nav_item("outcomes.sections", _l("Attendance and grades"),
             roles=(Role.TEACHER, Role.ADMINISTRATOR), order=25)


def _save_grid(form, save, success: str) -> dict[int, str] | None:
    """Run a grid's save in one transaction; return the row errors, or None when saved."""
    refusal = save_or_refuse(form, save, success)
    return None if refusal is None else getattr(refusal, "errors", {})


@bp.get("/")
@staff_required
def sections():
    school_id = chosen_school_id(current_user)  # another district's school: 404
    schools = visible_schools(current_user)
    # Across a district's schools, thousands of classes: listed once a school is chosen.
    listed = offers_classes(schools, school_id)
    return render_template("outcomes/sections.html", schools=schools, school_id=school_id,
                           listed=listed, sections=entry_queries.sections_listed(
                               current_user, school_id) if listed else [])


@bp.route("/sections/<int:section_id>/attendance", methods=["GET", "POST"])
@staff_required
def attendance(section_id: int):
    section = entry_queries.get_section_or_404(current_user, section_id)
    students, today = entry_queries.roster(section), entry_queries.school_day(section)
    form = AttendanceForm(data={"on_date": query_date("on_date") or today})
    errors = {}
    if form.validate_on_submit():
        marks = {s.id: (request.form.get(f"status-{s.id}", AttendanceStatus.PRESENT),
                        request.form.get(f"reason-{s.id}", "").strip()) for s in students}
        shown = {s.id: request.form[f"seen-{s.id}"] for s in students
                 if f"seen-{s.id}" in request.form}
        errors = _save_grid(form, lambda: services.record_attendance(
            section=section, roster=students, on_date=form.on_date.data, actor=current_user,
            marks=marks, today=today, shown=shown), _("Attendance saved for %(count)d students.",
                                                      count=len(students)))
        if errors is None:
            return redirect(url_for(".attendance", section_id=section.id,
                                    on_date=form.on_date.data.isoformat()))
    recorded = entry_queries.attendance_marks(students, form.on_date.data or today)
    return render_template("outcomes/attendance.html", section=section, students=students,
                           form=form, recorded=recorded, errors=errors or {},
                           versions={s.id: services.mark_version(recorded.get(s.id))
                                     for s in students},
                           statuses=AttendanceStatus.ALL), 400 if form.errors or errors else 200


def _grade_grid(section, periods) -> tuple[GradeGridForm, dict]:
    """Build the grade grid, opened on the assessment the address names (scores pre-filled)."""
    opened = {"grading_period_id": query_int("grading_period_id"),
              "kind": request.args.get("kind", "assessment"),
              "assessment_name": request.args.get("assessment_name", "")}
    stored = entry_queries.stored_grades(section, **opened) if opened["grading_period_id"] else {}
    first = next(iter(stored.values()), None)
    form = GradeGridForm(data={
        **opened, "max_score": first.max_score if first else 100,
        "recorded_on": first.recorded_on if first else entry_queries.school_day(section)})
    form.grading_period_id.choices = [(p.id, p.name) for p in periods]
    return form, stored


@bp.route("/sections/<int:section_id>/grades", methods=["GET", "POST"])
@staff_required
def grades(section_id: int):
    section = entry_queries.get_section_or_404(current_user, section_id)
    students, periods = entry_queries.roster(section), entry_queries.grading_periods(section)
    form, stored = _grade_grid(section, periods)
    errors = {}
    if form.validate_on_submit():
        scores = {s.id: request.form[f"score-{s.id}"] for s in students
                  if f"score-{s.id}" in request.form}  # a student's cell the page showed
        statuses = {s.id: request.form.get(f"status-{s.id}", "") for s in students}
        period = next(p for p in periods if p.id == form.grading_period_id.data)
        errors = _save_grid(form, lambda: services.record_grades(
            section=section, roster=students, grading_period=period, actor=current_user,
            kind=form.kind.data, assessment_name=form.assessment_name.data,
            max_score=float(form.max_score.data), recorded_on=form.recorded_on.data,
            scores=scores, statuses=statuses), _("Grades saved."))
        if errors is None:
            return redirect(url_for(".grades", section_id=section.id, grading_period_id=period.id,
                                    kind=form.kind.data,
                                    assessment_name=form.assessment_name.data or None))
    return render_template("outcomes/grades.html", section=section, students=students,
                           form=form, stored=stored, errors=errors or {},
                           marks=work_marks.stored_marks(section, form.grading_period_id.data,
                                                         form.assessment_name.data),
                           statuses=WorkStatus.ALL,
                           graded=entry_queries.graded_assessments(section)
                           ), 400 if form.errors or errors else 200


@bp.route("/students/<int:student_id>/behaviour", methods=["GET", "POST"])
@staff_required
@sent_once
def behaviour(student_id: int):
    student = get_student_or_404(current_user, student_id)
    zone = student.school.timezone
    form = BehaviourForm(data={"occurred_at": to_local(utcnow(), zone).replace(
        tzinfo=None, second=0, microsecond=0)})
    if form.validate_on_submit() and save_or_refuse(form, lambda: services.record_behaviour(
            student=student, actor=current_user, occurred_at=to_utc(form.occurred_at.data, zone),
            category=form.category.data, description=form.description.data,
            is_positive=form.is_positive.data, severity=form.severity.data,
            action_taken=form.action_taken.data, visibility=form.visibility.data),
            _("Behaviour logged.")) is None:
        return redirect(url_for("students.profile", student_id=student.id))
    return render_template("outcomes/behaviour.html", form=form,
                           student=student), 400 if form.errors else 200
