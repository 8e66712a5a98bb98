"""Four people's errands, end to end in Chromium on the demo school, a screenshot per step
under test-artifacts/screenshots/, and not one JavaScript error on the way."""

import re

import pytest
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.messaging.campaigns import create_campaign, save_segment, send_campaign
from portal.messaging.models import Campaign
from portal.messaging.segments import count_recipients
from portal.messaging.worker import drain
from portal.outcomes.models import Intervention
from portal.people.models import Guardian, School, Student
from tests.browser.conftest import PHONE
from tests.conftest import no_horizontal_scroll

pytestmark = pytest.mark.browser


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _children_of(user: User) -> list:
    guardian = db.session.scalar(select(Guardian).where(Guardian.user_id == user.id))
    return [link.student for link in guardian.student_links]


def test_teacher_logs_a_call_and_then_its_follow_up(demo_site, page, sign_in, shoot):
    sign_in("teacher@demo.school")
    shoot("home")
    page.click("#site-menu nav a[href='/students']")
    page.wait_for_selector("main a[href^='/students/']")
    shoot("student-list")
    with page.expect_navigation():
        page.locator("main a[href^='/students/']").first.click()
    student_name = page.inner_text("h1")
    shoot("profile")
    page.select_option("#channel", "phone")
    page.select_option("#direction", "outbound")
    page.select_option("#outcome", "reached")
    page.fill("#summary", "Called the family about the missed algebra homework.")
    page.fill("#follow_up_due_on", "2026-11-30")
    page.select_option("#follow_up_owner_id", label="Jordan Ellis")
    with page.expect_navigation():
        page.click("#log-contact button[type=submit]")
    assert "Called the family about the missed algebra homework." in page.inner_text("main")
    shoot("call-logged")
    page.goto(f"{demo_site.url}/interactions/follow-ups")
    item = page.locator("li", has_text="Called the family about the missed algebra homework.")
    assert student_name in item.inner_text()
    shoot("follow-ups")
    with page.expect_navigation():
        item.get_by_role("link", name="Log the follow-up").click()
    page.fill("#summary", "Called back: the homework is handed in.")
    shoot("follow-up-form")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.goto(f"{demo_site.url}/interactions/follow-ups")
    assert "Called the family about the missed algebra homework." not in page.inner_text("main")
    shoot("follow-up-done")
    calls = db.session.scalars(select(Interaction).where(
        Interaction.summary.like("Called%homework%"))).all()
    assert len(calls) == 2 and {c.channel for c in calls} == {"phone"}
    assert page.errors == []


def test_administrator_sends_a_campaign_to_a_saved_audience_and_sees_it_delivered(
        demo_site, page, sign_in, shoot):
    admin = _user("admin@demo.school")
    parent = _user("parent@demo.school")
    children = _children_of(parent)
    save_segment(school=db.session.get(School, children[0].school_id), author=admin,
                 name="García family", criteria={"student_ids": [c.id for c in children]})
    db.session.commit()
    sign_in(admin.email)
    page.goto(f"{demo_site.url}/messaging/campaigns/new")
    page.fill("#title", "Winter concert")
    page.select_option("#segment_id", label="García family")
    page.fill("#subject_en", "The winter concert is on Friday")
    page.fill("#body_en", "Dear {{ guardian_name }}, the winter concert starts at six.")
    shoot("compose")
    with page.expect_navigation():
        page.click("main form input[type=submit]")
    shoot("review")
    with page.expect_navigation():
        page.check("input[name=confirm][type=checkbox]")  # it goes beyond one class
        page.click("main form button[type=submit] >> text=Send")
    campaign = db.session.scalar(select(Campaign).where(Campaign.title == "Winter concert"))
    assert campaign.segment_id is not None
    queued = int(page.inner_text('[data-count="queued"]'))
    assert queued >= 1
    shoot("queued")
    before = len(demo_site.smtp.messages)
    drain()
    page.wait_for_function(
        "() => document.querySelector('[data-count=\"queued\"]').textContent === '0'")
    assert int(page.inner_text('[data-count="sent"]')) == queued
    shoot("delivered")
    delivered = demo_site.smtp.messages[before:]
    assert len(delivered) == queued
    assert any(parent.email in m["X-Envelope-To"] for m in delivered)
    assert all(m["Subject"] == "The winter concert is on Friday" for m in delivered)
    assert page.errors == []


@pytest.mark.parametrize("language", ["es", "fa"])
def test_parent_on_a_phone_reads_the_message_books_a_slot_and_changes_language(
        demo_site, page, sign_in, shoot, language):
    admin, parent = _user("admin@demo.school"), _user("parent@demo.school")
    children = _children_of(parent)
    # Each case starts from English, whatever language the case before it switched to.
    guardian = db.session.scalar(select(Guardian).where(Guardian.user_id == parent.id))
    guardian.preferred_language = parent.preferred_language = "en"
    subject = f"Report cards are ready ({language})"
    campaign = create_campaign(sender=admin, school=db.session.get(School, children[0].school_id),
                               title=subject, kind="general",
                               criteria={"student_ids": [children[0].id]},
                               variants={"en": (subject, "Dear {{ guardian_name }}, see you.")})
    audience = count_recipients(criteria=campaign.criteria, school_id=campaign.school_id,
                                sender=admin)
    send_campaign(campaign=campaign, sender=admin, confirmed_count=audience["guardians"])
    db.session.commit()
    page.set_viewport_size(PHONE)
    sign_in(parent.email)
    shoot("home")
    page.click("button.menu-button")
    shoot("menu-open")
    with page.expect_navigation():
        page.click("#site-menu a[href='/family/inbox']")
    with page.expect_navigation():
        page.click(f"main a:has-text('{subject}')")
    assert "see you." in page.inner_text("main")
    shoot("message")
    page.goto(f"{demo_site.url}/family/events")
    with page.expect_navigation():
        page.locator("main a[href^='/family/conferences/']").first.click()
    shoot("conference")
    slot = page.locator(".family-slots button").first
    slot_text = slot.inner_text().split(" · ")[0]
    with page.expect_navigation():
        slot.click()
    assert page.locator(".family-booked", has_text=slot_text).count() >= 1
    shoot("booked")
    assert no_horizontal_scroll(page)
    with page.expect_navigation():  # and frees it again, so the next run finds it open
        page.locator(".family-teacher", has_text=slot_text).get_by_role(
            "button", name="Cancel this booking").click()
    page.goto(f"{demo_site.url}/family/settings")
    page.select_option("#preferred_language", language)
    with page.expect_navigation():
        page.click("main form button[type=submit] >> nth=0")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == language
    if language == "fa":
        assert page.locator("html").get_attribute("dir") == "rtl"
    assert no_horizontal_scroll(page)
    shoot("language")
    _user(parent.email).preferred_language = "en"
    db.session.commit()
    assert page.errors == []


def test_counsellor_opens_a_flagged_student_from_the_dashboard_and_starts_a_plan(
        demo_site, page, sign_in, shoot):
    sign_in("counsellor@demo.school")
    page.click("#site-menu nav a[href='/dashboards/']")
    page.wait_for_selector(".chart .main-svg")
    shoot("dashboard", full_page=False)  # the flagged list below runs for metres
    flagged = page.locator("section:has(h2:has-text('Flagged students')) tbody a").first
    name = flagged.inner_text()
    with page.expect_navigation():
        flagged.click()
    assert name in page.inner_text("h1")
    shoot("profile")
    with page.expect_navigation():
        page.locator("main a[href*='/interventions/new']").first.click()
    page.fill("#reason", "Falling attendance and two failing grades this quarter.")
    page.fill("#goal", "Attend every day for the next four weeks.")
    page.fill("#actions", "Weekly check-in on Mondays; call home after any absence.")
    page.fill("#review_on", "2026-12-18")
    shoot("plan-form")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    shoot("plan-saved")
    with page.expect_navigation():  # back on the profile, which lists the open plan
        page.click("main a[href^='/outcomes/interventions/']:has-text('Attend every day')")
    assert re.search(r"/outcomes/interventions/\d+$", page.url)
    assert "Attend every day for the next four weeks." in page.inner_text("main")
    shoot("plan-open")
    plan = db.session.scalar(select(Intervention).where(
        Intervention.goal == "Attend every day for the next four weeks."))
    assert db.session.get(Student, plan.student_id).display_name == name
    assert page.errors == []
