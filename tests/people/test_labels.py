"""What staff read in a picker to tell namesakes apart, in the reader's own digits."""

from flask_babel import force_locale

from portal.people.labels import guardian_label, student_label
from tests import factories as f


def test_a_pickers_grade_is_written_in_the_readers_digits(app):
    school = f.make_school()
    student = f.make_student(school, grade_level=12, first_name="Diego", last_name="Castillo")
    guardian = f.make_guardian(school)
    link = f.link(student, guardian)
    with force_locale("en"):
        assert "grade 12" in student_label(student)
        assert "(grade 12)" in guardian_label(guardian, [link])
    with force_locale("fa"):
        assert "پایه ۱۲" in student_label(student) and "پایه 12" not in student_label(student)
        assert "(پایه ۱۲)" in guardian_label(guardian, [link])
