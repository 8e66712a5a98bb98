"""The demo's district administrator: one account that sees every school of the demo district.

demo-data calls add_demo_district_administrator() once its school (in its district)
exists, and prints DEMO_DISTRICT_ACCOUNT with the other demo accounts.
"""

from portal.auth.models import Role, User
from portal.auth.services import create_user
from portal.people.models import School

DEMO_DISTRICT_ACCOUNT = ("district@demo.school", Role.ADMINISTRATOR,
                         "Robin Hayes, administrator of every school in the Demo District")


def add_demo_district_administrator(*, school: School, password: str) -> User:
    """Add the administrator of the school's district (no school of their own)."""
    if school.district_id is None:
        raise ValueError(f"{school.name} belongs to no district.")
    email, role, _description = DEMO_DISTRICT_ACCOUNT
    return create_user(email=email, full_name="Robin Hayes", role=role, password=password,
                       district_id=school.district_id)
