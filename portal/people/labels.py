"""What staff read in a picker to tell namesakes apart: grade, student number, birth date
for a student; relationship, household and children for a guardian."""

from flask_babel import format_date
from flask_babel import gettext as _

from portal.core.templating import number
from portal.people.models import Guardian, Student, StudentGuardian


def student_label(student: Student) -> str:
    """Return "Castillo, Diego — grade 12 · S000123 · born 4 Mar 2008"."""
    details = [_("grade %(level)s", level=number(student.grade_level))]
    if student.external_id:
        details.append(student.external_id)
    if student.date_of_birth:
        details.append(_("born %(date)s", date=format_date(student.date_of_birth)))
    name = f"{student.last_name}, {student.preferred_name or student.first_name}"
    return f"{name} — {' · '.join(details)}"


def guardian_label(guardian: Guardian, links: list[StudentGuardian] = ()) -> str:
    """Return "Ana Díaz — mother of Diego (grade 12) · household: Calle Mayor"."""
    details = [_("%(relationship)s of %(child)s (grade %(level)s)",
                 relationship=link.relationship_kind.replace("_", " "),
                 child=link.student.preferred_name or link.student.first_name,
                 level=number(link.student.grade_level)) for link in links]
    details += sorted({_("household: %(name)s", name=link.household)
                       for link in links if link.household})
    if not details and guardian.email:
        details.append(guardian.email)
    return f"{guardian.display_name} — {' · '.join(details)}" if details else \
        guardian.display_name
