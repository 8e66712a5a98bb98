"""The school's family-message settings page: evidence, switches, limits, who may change them."""

from portal.auth.models import Role
from portal.extensions import db
from portal.messaging.readability import measure
from tests import factories as f
from tests.messaging.helpers import school_with_families

VALID = {"weekly_alert_enabled": "y", "nudge_threshold_percent": "6",
         "nudge_step_up_percent": "12", "nudge_repeat_days": "21", "weekly_message_cap": "4",
         "reading_grade_limit": "7", "message_word_limit": "120"}


def test_the_settings_page_cites_the_evidence_and_saves_the_choices(app, login_as):
    world = school_with_families()
    client = login_as(world.admin)
    page = client.get("/messaging/settings").get_data(as_text=True)
    assert "Bergman & Chan 2021" in page and "Rogers & Feller 2018" in page
    assert "Bergman, Lasky-Fink & Rogers 2020" in page
    assert 'id="weekly_alert_enabled" name="weekly_alert_enabled" type="checkbox" value="y"' \
        in page.replace("checked ", "")
    response = client.post("/messaging/settings", data=VALID)
    assert response.status_code == 302
    school = world.school
    db.session.refresh(school)
    assert school.weekly_alert_enabled and not school.attendance_nudges_enabled
    assert (school.nudge_threshold_percent, school.nudge_step_up_percent,
            school.nudge_repeat_days, school.weekly_message_cap, school.reading_grade_limit,
            school.message_word_limit) == (6.0, 12.0, 21, 4, 7.0, 120)
    assert "/messaging/settings" in client.get("/settings/school").get_data(as_text=True)


def test_the_stronger_nudge_must_come_later_and_hostile_numbers_are_refused(app, login_as):
    world = school_with_families()
    client = login_as(world.admin)
    response = client.post("/messaging/settings", data={**VALID, "nudge_step_up_percent": "5"})
    assert response.status_code == 422 and "higher share" in response.get_data(as_text=True)
    for field, value in (("weekly_message_cap", "99999999999"), ("nudge_threshold_percent",
                                                                  "NaN"),
                         ("message_word_limit", "-3")):
        assert client.post("/messaging/settings", data={**VALID, field: value}).status_code == 422
    db.session.refresh(world.school)
    assert world.school.weekly_message_cap == 3 and world.school.attendance_nudges_enabled


def test_only_administrators_change_the_settings(app, login_as):
    world = school_with_families()
    assert login_as(world.teacher).get("/messaging/settings").status_code == 403
    other = f.make_user(Role.ADMINISTRATOR, None)
    assert login_as(other).get("/messaging/settings").status_code == 404


def test_the_editors_show_length_and_reading_level_and_warn_above_the_limit(app, login_as):
    world = school_with_families(reading_grade_limit=6, message_word_limit=40)
    hard = ("Notwithstanding the aforementioned institutional considerations, guardians are "
            "respectfully requested to familiarise themselves with the comprehensive "
            "documentation concerning extracurricular participation requirements. ") * 3
    client = login_as(world.admin)
    response = client.post("/messaging/campaigns/new", data={
        "title": "Clubs", "kind": "general", "segment_id": "0", "subject_en": "Clubs",
        "body_en": hard, "subject_es": "Clubes", "body_es": "Hay clubes nuevos."})
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="readability"' in review
    assert "Harder than the school's limit" in review and "Longer than the school" in review
    assert "3 words" in review  # the Spanish variant: short, and no grade given
    campaign_id = response.headers["Location"].split("/")[-2]
    edit = client.get(f"/messaging/campaigns/{campaign_id}/edit").get_data(as_text=True)
    assert 'id="readability"' in edit and "Harder than the school's limit" in edit


def test_reading_level_and_length_measure_the_text_not_the_merge_fields():
    plain = measure("Dear {{ guardian_name }},\n{% if student_name %}Your child did well."
                    "{% endif %} Thank you.", "en",
                    grade_limit=8, word_limit=150)
    assert plain.words == 8 and plain.grade <= 4 and not plain.too_hard
    assert measure("你好，谢谢。" * 40, "zh_Hans", grade_limit=8, word_limit=100).too_long
    assert measure("Merci beaucoup.", "fr", grade_limit=8, word_limit=150).grade is None
