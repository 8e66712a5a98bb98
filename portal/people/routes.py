"""Staff home page, student list and student profile."""

from flask import render_template, request
from flask_login import current_user

from portal.core.extension_points import home_tiles, profile_panels
from portal.core.permissions import get_student_or_404, staff_required
from portal.core.signals import student_viewed
from portal.extensions import db
from portal.people import bp, queries


@bp.get("/staff")
@staff_required
def home():
    summary = queries.staff_home_summary(current_user)
    return render_template("people/home.html", summary=summary, tiles=home_tiles(current_user))


@bp.get("/students")
@staff_required
def student_list():
    search = request.args.get("q", "").strip()
    page = max(request.args.get("page", 1, type=int), 1)
    students, total = queries.list_students(current_user, search=search, page=page)
    return render_template("people/student_list.html", students=students, total=total,
                           search=search, page=page, per_page=queries.PER_PAGE)


@bp.get("/students/<int:student_id>")
@staff_required
def profile(student_id: int):
    student = get_student_or_404(current_user, student_id)
    guardians = queries.guardian_links_of(student)
    student_viewed.send(current_user._get_current_object(), student=student)
    db.session.commit()
    return render_template("people/profile.html", student=student, guardians=guardians,
                           panels=profile_panels(current_user, student))
