"""Who may see which student: each role tested from the other side."""

from sqlalchemy import select

from portal.auth.models import Role
from portal.core.models import Visibility
from portal.core.permissions import (
    can_see_student,
    on_student_row,
    visible_grade_levels,
    visible_guardians,
    visible_records,
    visible_students,
)
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.people.models import District, Enrollment, School, Student
from tests import factories as f


def _ids(stmt):
    return {row.id for row in db.session.scalars(stmt)}


def test_teacher_sees_only_students_of_their_sections(app):
    school = f.make_school()
    teacher, other_teacher = f.make_user(Role.TEACHER, school), f.make_user(Role.TEACHER, school)
    mine, theirs = f.make_student(school), f.make_student(school)
    f.make_section(school, teacher, mine)
    f.make_section(school, other_teacher, theirs)
    assert _ids(visible_students(teacher)) == {mine.id}
    assert not can_see_student(teacher, theirs.id)


def test_teacher_cannot_open_a_student_outside_their_sections(app, login_as):
    school = f.make_school()
    teacher = f.make_user(Role.TEACHER, school)
    mine, theirs = f.make_student(school), f.make_student(school, first_name="Zuzana")
    f.make_section(school, teacher, mine)
    db.session.commit()
    client = login_as(teacher)
    assert client.get(f"/students/{mine.id}").status_code == 200
    response = client.get(f"/students/{theirs.id}")
    assert response.status_code == 404
    assert b"Zuzana" not in response.data
    assert b"Zuzana" not in client.get("/students?q=zuzana").data


def test_counsellor_sees_caseload_and_assigned_grade_levels(app):
    school = f.make_school()
    counsellor = f.make_user(Role.COUNSELLOR, school)
    in_caseload = f.make_student(school, grade_level=11, counsellor_id=counsellor.id)
    in_grade = f.make_student(school, grade_level=9)
    elsewhere = f.make_student(school, grade_level=10)
    f.assign_counsellor(counsellor, school, 9)
    other_school = f.make_school()
    f.make_student(other_school, grade_level=9)
    assert _ids(visible_students(counsellor)) == {in_caseload.id, in_grade.id}
    assert not can_see_student(counsellor, elsewhere.id)


def test_administrator_of_school_a_sees_nothing_of_school_b(app, login_as):
    school_a, school_b = f.make_school("A"), f.make_school("B")
    admin_a = f.make_user(Role.ADMINISTRATOR, school_a)
    student_a, student_b = f.make_student(school_a), f.make_student(school_b, last_name="Bravo")
    user_b, guardian_b = f.make_family(school_b, student_b)
    db.session.commit()
    assert _ids(visible_students(admin_a)) == {student_a.id}
    assert guardian_b.id not in _ids(visible_guardians(admin_a))
    client = login_as(admin_a)
    assert client.get(f"/students/{student_b.id}").status_code == 404
    assert b"Bravo" not in client.get("/students").data


def test_district_administrator_sees_every_school_of_the_district(app):
    district = District(name="North")
    db.session.add(district)
    db.session.flush()
    school_a, school_b = (
        f.make_school(district_id=district.id),
        f.make_school(district_id=district.id),
    )
    outside = f.make_school()
    admin = f.make_user(Role.ADMINISTRATOR, None, district_id=district.id)
    a, b, c = f.make_student(school_a), f.make_student(school_b), f.make_student(outside)
    assert _ids(visible_students(admin)) == {a.id, b.id}
    assert not can_see_student(admin, c.id)


def test_grade_level_choices_are_the_levels_of_the_students_each_user_sees(app):
    district = District(name="North")
    db.session.add(district)
    db.session.flush()
    school_a, school_b = (f.make_school(district_id=district.id),
                          f.make_school(district_id=district.id))
    for level in (9, 11, 11):
        f.make_student(school_a, grade_level=level)
    for level in (10, 11, 12):
        f.make_student(school_b, grade_level=level)
    f.make_student(f.make_school(), grade_level=8)  # another district's school
    district_admin = f.make_user(Role.ADMINISTRATOR, None, district_id=district.id)
    teacher = f.make_user(Role.TEACHER, school_b)
    f.make_section(school_b, teacher, f.make_student(school_b, grade_level=7))
    assert visible_grade_levels(district_admin) == [7, 9, 10, 11, 12]
    assert visible_grade_levels(district_admin, school_id=school_a.id) == [9, 11]
    assert visible_grade_levels(f.make_user(Role.ADMINISTRATOR, school_b)) == [7, 10, 11, 12]
    assert visible_grade_levels(teacher) == [7]


def test_guardian_cannot_open_another_familys_child(app, login_as):
    school = f.make_school()
    mine, theirs = f.make_student(school), f.make_student(school, first_name="Ondřej")
    parent, _ = f.make_family(school, mine)
    f.make_family(school, theirs)
    db.session.commit()
    client = login_as(parent)
    assert client.get(f"/family/children/{mine.id}").status_code == 200
    response = client.get(f"/family/children/{theirs.id}")
    assert response.status_code == 404
    assert "Ondřej" not in response.get_data(as_text=True)
    assert "Ondřej" not in client.get("/family/").get_data(as_text=True)


def test_guardian_sees_shared_notes_but_never_staff_only_notes(app, login_as):
    school = f.make_school()
    teacher = f.make_user(Role.TEACHER, school)
    child = f.make_student(school)
    parent, _ = f.make_family(school, child)
    shared = f.make_interaction(
        child, teacher, visibility=Visibility.FAMILY, summary="Great progress in reading"
    )
    hidden = f.make_interaction(
        child, teacher, visibility=Visibility.STAFF, summary="Suspected problems at home"
    )
    db.session.commit()
    assert _ids(visible_records(parent, Interaction)) == {shared.id}
    page = login_as(parent).get(f"/family/children/{child.id}").get_data(as_text=True)
    assert "Great progress in reading" in page
    assert "Suspected problems at home" not in page
    assert hidden.id not in _ids(visible_records(parent, Interaction))


def test_guardian_whose_link_forbids_information_sees_nothing_of_that_child(app, login_as):
    school = f.make_school()
    allowed, forbidden = f.make_student(school), f.make_student(school, first_name="Hidden")
    parent, guardian = f.make_family(school, allowed)
    f.link(forbidden, guardian, may_receive_information=False)
    teacher = f.make_user(Role.TEACHER, school)
    f.make_interaction(forbidden, teacher, visibility=Visibility.FAMILY, summary="Shared news")
    db.session.commit()
    assert _ids(visible_students(parent)) == {allowed.id}
    assert db.session.scalars(visible_records(parent, Interaction)).all() == []
    client = login_as(parent)
    assert client.get(f"/family/children/{forbidden.id}").status_code == 404
    assert "Hidden" not in client.get("/family/").get_data(as_text=True)


def test_guardian_cannot_open_staff_pages(app, login_as):
    school = f.make_school()
    child = f.make_student(school)
    parent, _ = f.make_family(school, child)
    db.session.commit()
    client = login_as(parent)
    assert client.get(f"/students/{child.id}").status_code == 403
    assert client.get("/students").status_code == 403


def test_staff_cannot_open_the_family_portal_pages(app, login_as):
    school = f.make_school()
    admin = f.make_user(Role.ADMINISTRATOR, school)
    child = f.make_student(school)
    db.session.commit()
    assert login_as(admin).get(f"/family/children/{child.id}").status_code == 403


def test_signed_out_visitor_is_sent_to_sign_in(app, client):
    school = f.make_school()
    child = f.make_student(school)
    db.session.commit()
    response = client.get(f"/students/{child.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_deactivated_account_sees_nothing(app):
    school = f.make_school()
    admin = f.make_user(Role.ADMINISTRATOR, school, is_active_account=False)
    f.make_student(school)
    assert db.session.scalars(visible_students(admin)).all() == []


def test_unknown_student_id_is_404_for_everyone(app, login_as):
    school = f.make_school()
    admin = f.make_user(Role.ADMINISTRATOR, school)
    db.session.commit()
    assert login_as(admin).get("/students/999999").status_code == 404
    assert db.session.scalar(select(School).where(School.id == school.id)) is not None


def test_a_select_of_student_ids_checked_on_the_joined_row_keeps_the_same_students(app):
    school, other = f.make_school(), f.make_school()
    f.make_student(school, grade_level=9)
    f.make_student(other, grade_level=9)
    f.make_section(school, f.make_user(Role.TEACHER, school),
                   f.make_student(school, grade_level=10))  # one enrolment
    visible = select(Student.id).where(Student.school_id == school.id)
    scopes = {
        "visible, grade 9": visible.where(Student.grade_level == 9,
                                          Student.id.in_(select(Student.id).where(
                                              Student.school_id == school.id))),
        "every student": select(Student.id),
        "the first one": select(Student.id).order_by(Student.id).limit(1),
        "distinct": select(Student.id).distinct(),
        "from enrolments": select(Enrollment.student_id),
    }
    for name, scope in scopes.items():
        kept = set(db.session.scalars(select(Student.id).where(on_student_row(scope))))
        assert kept == set(db.session.scalars(scope)), name
    # A plain select's own conditions are checked on the row, not by a semi-join on its ids.
    plain = str(on_student_row(scopes["visible, grade 9"]))
    assert "students.grade_level" in plain and not plain.startswith("students.id IN")
    assert str(on_student_row(scopes["the first one"])).startswith("students.id IN")

