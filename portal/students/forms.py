"""The student list's filter form (a GET form, no CSRF needed)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SearchField
from wtforms.validators import NumberRange, Optional

from portal.core.fields import DecimalField, IntegerField, SelectField, optional_id
from portal.risk.models import RiskLevel
from portal.students.student_list import NOT_ASSESSED, StudentFilters


class StudentFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Name"), validators=[Optional()])
    school_id = SelectField(_l("School"), coerce=optional_id, validate_choice=True)
    grade_level = SelectField(_l("Grade level"), coerce=optional_id, validate_choice=True)
    section_id = SelectField(_l("Class"), coerce=optional_id)
    program_id = SelectField(_l("Program or activity"), coerce=optional_id)
    risk_level = SelectField(_l("Risk level"), default="", choices=[
        ("", _l("Any")), (RiskLevel.HIGH, _l("High")), (RiskLevel.WATCH, _l("Watch")),
        (RiskLevel.NONE, _l("None")), (NOT_ASSESSED, _l("Not assessed"))])
    attendance_below = DecimalField(_l("Attendance below (%)"), places=None, validators=[
        Optional(), NumberRange(0, 100, _l("Enter a rate between 0 and 100."))])
    no_contact_days = IntegerField(_l("No family contact in (days)"), validators=[
        Optional(), NumberRange(1, 3650, _l("Enter a number of days from 1 to 3650."))])
    open_needs = BooleanField(_l("Only students with open needs"))
    sort = SelectField(_l("Sort by"), default="name", choices=[
        ("name", _l("Name")), ("grade", _l("Grade level")), ("risk", _l("Risk level")),
        ("attendance", _l("Attendance (lowest first)")),
        ("last_contact", _l("Last family contact (oldest first)"))])

    def set_choices(self, choices: dict) -> None:
        """Offer the schools, grade levels, classes and programs this user may filter by."""
        anything = [(None, _l("Any"))]
        self.school_id.choices = [(None, _l("All schools"))] + [
            (school.id, school.name) for school in choices["schools"]]
        self.grade_level.choices = anything + [(g, str(g)) for g in choices["grade_levels"]]
        self.section_id.choices = anything + [(s.id, s.name) for s in choices["sections"]]
        self.program_id.choices = anything + [(p.id, p.name) for p in choices["programs"]]
        if choices["classes_need_school"]:
            self.section_id.description = _l("Choose a school to filter by class.")
            self.program_id.description = _l("Choose a school to filter by program.")

    def filters(self) -> StudentFilters:
        """Return the filters asked for (call after validate())."""
        below = self.attendance_below.data
        return StudentFilters(
            search=(self.q.data or "").strip(), school_id=self.school_id.data,
            grade_level=self.grade_level.data,
            section_id=self.section_id.data, program_id=self.program_id.data,
            open_needs=bool(self.open_needs.data), risk_level=self.risk_level.data or None,
            attendance_below=float(below) if below is not None else None,
            no_contact_days=self.no_contact_days.data, sort=self.sort.data or "name")
