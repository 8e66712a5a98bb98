"""The family home and a child's page: what a guardian sees, and never more."""

from datetime import date, timedelta

import pytest

from portal.auth.models import Role
from portal.core.models import Visibility
from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.services import notify_guardian
from portal.outcomes.models import BehaviourIncident, Program, ProgramEnrollment
from tests import factories as f
from tests.family.helpers import (
    add_day,
    add_grade,
    add_intervention,
    appears,
    invite_to_event,
    make_families,
)


def _monday_weeks_ago(weeks: int) -> date:
    today = utcnow().date()
    return today - timedelta(days=today.weekday() + 7 * weeks)


def test_home_lists_my_children_and_not_the_neighbours(app, login_as):
    families = make_families()
    db.session.commit()
    page = login_as(families.parent).get("/family/").get_data(as_text=True)
    assert "Maya Lopez" in page and "Leo Lopez" in page
    assert "Zoe Smith" not in page


def test_child_whose_link_forbids_information_is_not_listed_nor_reachable(app, login_as):
    families = make_families()
    hidden = f.make_student(families.school, first_name="Hidden", last_name="Child")
    f.link(hidden, families.guardian, may_receive_information=False)
    db.session.commit()
    client = login_as(families.parent)
    assert "Hidden Child" not in client.get("/family/").get_data(as_text=True)
    assert client.get(f"/family/children/{hidden.id}").status_code == 404


def test_guardian_cannot_open_another_familys_child(app, login_as):
    families = make_families()
    db.session.commit()
    response = login_as(families.parent).get(f"/family/children/{families.other_child.id}")
    assert response.status_code == 404
    assert "Zoe" not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/family/", "/family/requests", "/family/settings",
                                 "/family/my-data.zip"])
def test_staff_cannot_use_family_pages(app, login_as, url):
    families = make_families()
    db.session.commit()
    assert login_as(families.teacher).get(url).status_code == 403


@pytest.mark.parametrize("url", ["/family/", "/family/requests", "/family/my-data.zip"])
def test_visitors_are_sent_to_sign_in(app, client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_child_page_switches_to_the_sibling_in_one_tap(app, login_as):
    families = make_families()
    db.session.commit()
    page = login_as(families.parent).get(f"/family/children/{families.child.id}")
    html = page.get_data(as_text=True)
    assert f'href="/family/children/{families.sibling.id}"' in html
    assert 'aria-current="page">Maya' in html


def test_child_page_shows_attendance_rate_absences_by_date_and_reason_and_trend(app, login_as):
    families = make_families()
    monday = _monday_weeks_ago(2)
    for offset in range(5):
        add_day(families.child, monday + timedelta(days=offset), "present")
    add_day(families.child, monday + timedelta(days=7), "absent_excused", "Dentist")
    add_day(families.child, monday + timedelta(days=8), "tardy")
    add_day(families.child, monday + timedelta(days=9), "present")
    add_day(families.child, families.term.starts_on - timedelta(days=3), "absent_unexcused",
            "Last year")
    add_day(families.sibling, monday, "absent_unexcused", "Sibling's absence")
    db.session.commit()
    html = login_as(families.parent).get(f"/family/children/{families.child.id}").get_data(
        as_text=True)
    assert "87.5%" in html  # 7 of 8 days this term
    assert "Dentist" in html and "Absent (excused)" in html and "Late" in html
    assert not appears("Last year", html) and not appears("Sibling's absence", html)
    assert 'data-figure="' in html
    assert "/dashboards/plotly.min.js" in html


def test_child_page_shows_grades_per_subject_and_period(app, login_as):
    families = make_families()
    science = f.make_section(families.school, families.teacher, families.child,
                             term=families.term, subject="Science")
    add_grade(families.child, families.section, 0, 70)
    add_grade(families.child, families.section, 0, 80)
    add_grade(families.child, families.section, 1, 91, kind="period", name=None)
    add_grade(families.child, science, 0, 64)
    add_grade(families.other_child, families.section, 0, 12)
    db.session.commit()
    html = login_as(families.parent).get(f"/family/children/{families.child.id}").get_data(
        as_text=True)
    assert '<td dir="auto">Mathematics</td><td dir="auto">Q1</td><td>75%' in html
    assert "average of 2 marks" in html
    assert '<td dir="auto">Mathematics</td><td dir="auto">Q2</td><td>91%' in html
    assert '<td dir="auto">Science</td><td dir="auto">Q1</td><td>64%' in html
    assert "12%" not in html


def test_child_page_shows_only_what_staff_shared_with_the_family(app, login_as):
    families = make_families()
    child = families.child
    f.make_interaction(child, families.teacher, summary="Shared phone call",
                       visibility=Visibility.FAMILY)
    f.make_interaction(child, families.teacher, summary="Staff-only suspicion")
    for text, visibility in (("Helped a classmate", Visibility.FAMILY),
                             ("Staff-only incident", Visibility.STAFF)):
        db.session.add(BehaviourIncident(student_id=child.id, occurred_at=utcnow(),
                                         is_positive=True, category="kindness",
                                         description=text, visibility=visibility))
    add_intervention(child, "Read twenty minutes a day")
    add_intervention(child, "Staff-only plan", visibility=Visibility.STAFF)
    add_intervention(child, "Closed shared plan", status="closed")
    db.session.commit()
    html = login_as(families.parent).get(f"/family/children/{child.id}").get_data(as_text=True)
    for shown in ("Shared phone call", "Helped a classmate", "Read twenty minutes a day"):
        assert shown in html
    for hidden in ("Staff-only", "Closed shared plan", "Falling grades"):
        assert hidden not in html


def _section(html: str, section_id: str) -> str:
    start = html.find(f'id="{section_id}"')
    return html[start:html.find("</section>", start)] if start >= 0 else ""


def test_the_familys_own_replies_show_as_theirs_not_as_notes_from_school(app, login_as):
    families = make_families()
    child = families.child
    f.make_interaction(child, families.teacher, summary="Shared phone call",
                       visibility=Visibility.FAMILY)
    thread = notify_guardian(guardian=families.guardian, kind="general", subject="Trip",
                             body_text="Bring lunch.", student=child, sender=families.teacher)
    db.session.commit()
    client = login_as(families.parent)
    client.post(f"/family/inbox/{thread.id}/reply", data={"body": "Maya will bring lunch."})
    html = client.get(f"/family/children/{child.id}").get_data(as_text=True)
    notes, own = _section(html, "notes"), _section(html, "family-messages")
    assert "Shared phone call" in notes and "Maya will bring lunch." not in notes
    assert "Your messages to the school" in own and "Maya will bring lunch." in own
    assert "You wrote on" in own and "Shared phone call" not in own


def test_child_page_shows_programs_and_this_familys_upcoming_events(app, login_as):
    families = make_families()
    program = Program(school_id=families.school.id, name="Robotics Club", kind="club")
    db.session.add(program)
    db.session.flush()
    db.session.add(ProgramEnrollment(program_id=program.id, student_id=families.child.id,
                                     starts_on=utcnow().date() - timedelta(days=30)))
    invite_to_event(families.guardian, families.child, "Science fair")
    invite_to_event(families.guardian, None, "Family picnic")
    invite_to_event(families.guardian, families.sibling, "Leo's concert")
    invite_to_event(families.guardian, families.child, "Last month's play", days_ahead=-30)
    invite_to_event(families.other_guardian, families.other_child, "Neighbours' meeting")
    db.session.commit()
    html = login_as(families.parent).get(f"/family/children/{families.child.id}").get_data(
        as_text=True)
    assert "Robotics Club" in html
    assert "Science fair" in html and "Family picnic" in html
    for hidden in ("Leo's concert", "Last month's play", "Neighbours' meeting"):
        assert not appears(hidden, html)


def test_home_shows_every_childs_coming_events(app, login_as):
    families = make_families()
    invite_to_event(families.guardian, families.sibling, "Leo's concert")
    invite_to_event(families.other_guardian, families.other_child, "Neighbours' meeting")
    db.session.commit()
    html = login_as(families.parent).get("/family/").get_data(as_text=True)
    assert "Leo&#39;s concert" in html and not appears("Neighbours' meeting", html)


def test_guardian_without_children_sees_a_clear_message(app, login_as):
    user = f.make_user(Role.GUARDIAN)
    f.make_guardian(f.make_school(), user=user)
    db.session.commit()
    html = login_as(user).get("/family/").get_data(as_text=True)
    assert "No children are linked to your account yet" in html
