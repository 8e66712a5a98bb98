"""The "Consents and privacy" panel on the staff student profile: each guardian's current
consents for every staff member who sees the student; status and links for administrators."""

from portal.auth.models import User
from portal.core.permissions import can_manage_school
from portal.family import account_queries
from portal.family.choices import CONSENT_PURPOSES
from portal.people.models import Student
from portal.people.queries import guardian_links_of


def privacy_panel(viewer: User, student: Student) -> dict | None:
    """Return the panel's context: per guardian link, the current consent of each purpose."""
    if not viewer.is_staff:
        return None
    links = guardian_links_of(student)
    histories = account_queries.consent_histories([link.guardian_id for link in links])
    rows = [{"link": link, "consents": account_queries.current_consents(
                 histories.get(link.guardian_id, []))} for link in links]
    return {"student": student, "rows": rows, "purposes": CONSENT_PURPOSES,
            "administrator": can_manage_school(viewer, student.school_id)}
