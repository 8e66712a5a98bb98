"""The student 360 profile: header, guardians, timeline, charts, and a bounded query count."""

import re
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.time import utcnow
from portal.events.models import Event, EventAttendance, EventInvitation
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.messaging.models import Message
from portal.needs.models import Need
from portal.outcomes.models import (
    BehaviourIncident,
    DailyAttendance,
    Grade,
    Intervention,
    Program,
    ProgramEnrollment,
)
from portal.people.models import GradingPeriod
from tests import factories as f
from tests.people.helpers import classroom, count_queries


def test_profile_shows_guardian_contact_details_and_link_flags(app, login_as):
    room = classroom()
    room.guardian.phone = "+1 555 0100"
    room.student.guardian_links[0].is_emergency_contact = True
    db.session.commit()
    page = login_as(room.teacher).get(f"/students/{room.student.id}").get_data(as_text=True)
    assert room.guardian.email in page and "+1 555 0100" in page
    assert "emergency contact" in page and "lives with" in page
    assert "may receive information" in page
    assert "not assessed" in page
    assert "replied STOP" not in page


def test_profile_shows_a_guardian_who_replied_stop_to_sms(app, login_as):
    room = classroom()
    room.guardian.phone, room.guardian.sms_opted_out = "+1 555 0100", True
    db.session.commit()
    page = login_as(room.teacher).get(f"/students/{room.student.id}").get_data(as_text=True)
    assert "replied STOP: no SMS" in page


def test_another_classs_teacher_gets_404(app, login_as):
    room = classroom()
    assert login_as(room.other_teacher).get(f"/students/{room.student.id}").status_code == 404


def test_guardian_may_not_open_the_staff_profile_of_their_own_child(app, login_as):
    room = classroom()
    assert login_as(room.parent).get(f"/students/{room.student.id}").status_code == 403


def test_viewing_a_profile_is_audited(app, login_as):
    room = classroom()
    login_as(room.teacher).get(f"/students/{room.student.id}")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "view"))
    assert event.actor_id == room.teacher.id and event.student_id == room.student.id


def _full_year(room):
    """Add a school year of attendance, grades and everything else for the student."""
    periods = db.session.scalars(select(GradingPeriod).where(
        GradingPeriod.term_id == room.term.id)).all()
    day = date(2026, 9, 1)
    for n in range(180):
        on = day + timedelta(days=n)
        status = "absent_unexcused" if n % 15 == 0 else "present"
        db.session.add(DailyAttendance(school_id=room.school.id, student_id=room.student.id,
                                       on_date=on, status=status, recorded_at=datetime(2026, 9, 1)))
        if n % 5 == 0:
            period = next(p for p in periods if p.starts_on <= on < p.ends_on)
            db.session.add(Grade(student_id=room.student.id, section_id=room.section.id,
                                 grading_period_id=period.id, score=50 + n % 40,
                                 recorded_on=on, assessment_name=f"Quiz {n}"))
        if n % 20 == 0:
            f.make_interaction(room.student, room.teacher, occurred_at=datetime(2026, 9, 1, 12)
                               + timedelta(days=n), outcome="reached")
            db.session.add(BehaviourIncident(student_id=room.student.id, category="talking",
                                             description="Chatty", occurred_at=datetime(2026, 9, 2)
                                             + timedelta(days=n)))
            db.session.add(Need(student_id=room.student.id, kind="social", title=f"Need {n}"))
            db.session.add(Message(guardian_id=room.guardian.id, student_id=room.student.id,
                                   subject=f"Weekly update {n}", body_text="..."))
    event = Event(school_id=room.school.id, kind="school_event", title="Open evening",
                  starts_at=datetime(2026, 10, 1, 18), ends_at=datetime(2026, 10, 1, 20), uid="u1")
    missed = Event(school_id=room.school.id, kind="school_event", title="Science fair",
                   starts_at=datetime(2026, 11, 1, 18), ends_at=datetime(2026, 11, 1, 20), uid="u2")
    program = Program(school_id=room.school.id, name="Chess club", kind="club")
    db.session.add_all([event, missed, program])
    db.session.flush()
    for shown in (event, missed):
        db.session.add(EventInvitation(event_id=shown.id, guardian_id=room.guardian.id,
                                       student_id=room.student.id, invited_at=datetime(2026, 9, 20),
                                       rsvp="yes"))
    db.session.add(EventAttendance(event_id=event.id, guardian_id=room.guardian.id,
                                   student_id=room.student.id, checked_in_at=event.starts_at))
    db.session.add(ProgramEnrollment(program_id=program.id, student_id=room.student.id,
                                     starts_on=date(2026, 9, 15)))
    db.session.add(Intervention(student_id=room.student.id, owner_id=room.teacher.id,
                                reason="Absences", goal="Attend every day",
                                opened_on=date(2026, 10, 5)))
    db.session.commit()


def test_profile_of_a_full_year_renders_in_a_bounded_number_of_queries(app, login_as):
    room = classroom()
    _full_year(room)
    client = login_as(room.teacher)
    with count_queries() as queries:
        response = client.get(f"/students/{room.student.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # About 40 for the profile itself, the rest for the other features' panels (events,
    # family portal, risk and its time on the list, consents and privacy, SMS replies):
    # a count that grows with the year's data would blow past it.
    assert queries.count <= 66, queries.count
    for text in ("Open evening", "Science fair", "Chess club", "Attend every day", "Quiz 5",
                 "Weekly update 0", "Chatty", "Need 20", "Absent (unexcused)", "Attended",
                 "Missed"):
        assert text in page, text
    assert 'id="chart-attendance"' in page and 'id="chart-grades"' in page
    assert "/dashboards/plotly.min.js" in page


def _shape(statement: str) -> str:
    """A statement with its lists of parameters as one (IN (?, ?) → IN (?))."""
    return re.sub(r"\((?:[?]|%\(\w+\)s|__\[POSTCOMPILE_\w+\])(?:, [^)]*)?\)", "(?)", statement)


def test_more_guardians_cost_the_profile_no_more_queries(app, login_as):
    """The family portal and privacy panels read every guardian's activity and consents at
    once: three more guardians cost the profile no more queries than one."""
    room = classroom()
    client = login_as(room.teacher)

    def profile_queries() -> tuple[list[str], str]:
        db.session.commit()  # each time from a fresh identity map, as after the seeding below
        with count_queries() as queries:
            page = client.get(f"/students/{room.student.id}").get_data(as_text=True)
        return queries.statements, page

    alone, _ = profile_queries()
    for n in range(3):
        _, guardian = f.make_family(room.school, room.student, first_name=f"Kin{n}")
        db.session.add(Message(guardian_id=guardian.id, student_id=room.student.id,
                               subject=f"Letter {n}", body_text="...", read_at=utcnow()))
    db.session.commit()
    more, page = profile_queries()
    assert len(more) == len(alone), Counter(map(_shape, more)) - Counter(map(_shape, alone))
    assert page.count("Read 1 of 1 messages in the portal") == 3 and "Letter 2" in page


def test_timeline_is_newest_first_and_filterable_by_kind(app, login_as):
    room = classroom()
    f.make_interaction(room.student, room.teacher, summary="Old call",
                       occurred_at=datetime(2026, 9, 3, 12))
    f.make_interaction(room.student, room.teacher, summary="New call",
                       occurred_at=datetime(2026, 10, 3, 12))
    db.session.add(Need(student_id=room.student.id, kind="health", title="Glasses"))
    db.session.commit()
    client = login_as(room.teacher)
    page = client.get(f"/students/{room.student.id}").get_data(as_text=True)
    timeline = page[page.index('id="timeline"'):]
    assert timeline.index("New call") < timeline.index("Old call")
    only_contacts = client.get(f"/students/{room.student.id}?kind=interaction").get_data(
        as_text=True)
    only_contacts = only_contacts[only_contacts.index('id="timeline"'):]
    assert "New call" in only_contacts and "Glasses" not in only_contacts


def test_profile_shows_the_latest_risk_level(app, login_as):
    from portal.risk.models import RiskAssessment, RiskRuleSet

    room = classroom()
    rules = RiskRuleSet(school_id=room.school.id, version=1, settings={})
    db.session.add(rules)
    db.session.flush()
    db.session.add(RiskAssessment(student_id=room.student.id, rule_set_id=rules.id, score=3,
                                  level="high"))
    db.session.commit()
    page = login_as(room.teacher).get(f"/students/{room.student.id}").get_data(as_text=True)
    assert "badge-high" in page


def test_profile_keeps_rendering_feature_panels(app, login_as, tmp_path):
    from portal.core import extension_points

    room = classroom()
    app.jinja_loader.searchpath.append(str(tmp_path))
    (tmp_path / "_test_panel.html").write_text("<p>Panel says {{ panel.word }}</p>")
    extension_points.add_profile_panel("test", "_test_panel.html", lambda viewer, s: {"word": "hi"})
    try:
        page = login_as(room.teacher).get(f"/students/{room.student.id}").get_data(as_text=True)
    finally:
        extension_points._PANELS.pop("test")
    assert "Panel says hi" in page


def test_interactions_in_timeline_link_to_their_edit_page(app, login_as):
    room = classroom()
    interaction = f.make_interaction(room.student, room.teacher)
    db.session.commit()
    page = login_as(room.teacher).get(f"/students/{room.student.id}").get_data(as_text=True)
    assert f"/interactions/{interaction.id}/edit" in page
    assert db.session.get(Interaction, interaction.id) is not None


def test_log_a_contact_link_target_holds_the_contact_form(app, login_as):
    # The risk flags page and the profile's own button link to /students/<id>#log-contact.
    room = classroom()
    page = login_as(room.teacher).get(f"/students/{room.student.id}").get_data(as_text=True)
    assert page.count('id="log-contact"') == 1 and 'href="#log-contact"' in page
    target = re.search(r'<section[^>]*id="log-contact".*?</section>', page, re.S).group(0)
    assert f'action="/interactions/new/{room.student.id}"' in target
    assert 'name="summary"' in target
