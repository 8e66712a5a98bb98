"""Risk pages: settings versions, the new-flags list and its one-click actions."""

import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from portal.auth.models import Role
from portal.core.errors import DomainError
from portal.extensions import db
from portal.outcomes.models import Intervention
from portal.risk.models import RiskRuleSet
from portal.risk.scoring import RULES
from portal.risk.services import assess_students, current_rule_set, save_rule_set
from tests import factories
from tests.people.helpers import district
from tests.risk.helpers import TODAY, record_attendance, school_days
from tests.test_hostile_input import Forms


def _settings_form(**changes) -> dict:
    form = {"watch_score": "2", "high_score": "6", "high_cap": "", "attendance_min_days": "20",
            "days_since_family_contact_todo": "60", "missed_parent_events_todo": "2"}
    for rule in RULES:
        form.update({f"{rule.name}_enabled": "y", f"{rule.name}_threshold": str(rule.threshold),
                     f"{rule.name}_weight": str(rule.weight)})
    form.update(changes)
    return form


def _flagged_school():
    school = factories.make_school()
    factories.make_term(school)
    counsellor = factories.make_user(Role.COUNSELLOR, school)
    factories.assign_counsellor(counsellor, school, 9)
    student = factories.make_student(school, grade_level=9)
    assess_students(school=school, today=TODAY)  # before the absences: not flagged
    days = school_days(TODAY, 20)
    record_attendance(student, days, absent_on=set(days[-8:]))
    (assessment,) = assess_students(school=school, today=TODAY)
    return school, counsellor, student, assessment


def test_saving_settings_creates_a_new_version(app, login_as):
    school = factories.make_school()
    admin = factories.make_user(Role.ADMINISTRATOR, school)
    db.session.commit()
    client = login_as(admin)
    assert b"Version 1 is in use" in client.get("/risk/settings").data
    response = client.post("/risk/settings", data=_settings_form(
        attendance_rate_term_threshold="95", high_cap="3", attendance_min_days="15",
        days_since_family_contact_todo="30"), follow_redirects=True)
    assert b"Saved as version 2" in response.data
    newest = db.session.scalars(select(RiskRuleSet).order_by(RiskRuleSet.version.desc())).first()
    assert newest.settings["rules"]["attendance_rate_term"]["threshold"] == 95
    assert newest.settings["high_cap"] == 3
    assert newest.settings["attendance_min_days"] == 15
    assert newest.settings["family_todos"]["days_since_family_contact"] == 30


def test_bad_settings_name_the_field_and_save_nothing(app, login_as):
    school = factories.make_school()
    admin = factories.make_user(Role.ADMINISTRATOR, school)
    db.session.commit()
    client = login_as(admin)
    client.get("/risk/settings")
    response = client.post("/risk/settings", data=_settings_form(
        grade_average_weight="99", high_score="1"))
    page = response.get_data(as_text=True)
    assert "grade average, latest period: Give a weight from 0 to 10." in page
    assert "must not be below the one for “watch”" in page
    assert db.session.scalar(select(db.func.count()).select_from(RiskRuleSet)) == 1


def test_thresholds_and_weights_out_of_their_range_are_refused_naming_each(app, login_as):
    """A share below 0 % or above 100 %, a change beyond 100 points, a count below 1, NaN,
    infinity or a huge number: each refused next to its indicator, nothing saved."""
    school = factories.make_school()
    admin = factories.make_user(Role.ADMINISTRATOR, school)
    db.session.commit()
    client = login_as(admin)
    client.get("/risk/settings")
    response = client.post("/risk/settings", data=_settings_form(
        attendance_rate_term_threshold="-50", missing_work_share_threshold="500",
        grade_change_threshold="-101", failing_subjects_threshold="0",
        grade_average_threshold="nan", late_work_share_threshold="1e308",
        score_trend_weight="inf", watch_score="-1", attendance_min_days="201",
        missed_parent_events_todo="0"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for said in ("attendance this term: Enter a number from 0 to 100.",
                 "share of work due not handed in: Enter a number from 0 to 100.",
                 "grade change since the previous period: Enter a number from -100 to 100.",
                 "failing subjects: Enter a number from 1 to 1000.",
                 "grade average, latest period: Enter a number.",
                 "share of work handed in late: Enter a number.",
                 "score change per piece of work: Enter a number.",
                 "Enter a number from 0 to 200.", "Enter a number from 1 to 1000."):
        assert said in page, said
    # Two shares, the watch cut-off and the two unreadable ones.
    assert page.count("Enter a number from 0 to 100.") == 5
    assert db.session.scalar(select(func.count()).select_from(RiskRuleSet)) == 1
    edges = client.post("/risk/settings", data=_settings_form(
        attendance_rate_term_threshold="100", grade_change_threshold="-100",
        failing_subjects_threshold="1", score_trend_weight="0"))
    assert edges.status_code == 302


@pytest.mark.parametrize(("settings", "field"), [
    ({"rules": {"attendance_rate_term": {"threshold": -50}}}, "attendance_rate_term_threshold"),
    ({"rules": {"missing_work_share": {"threshold": 500}}}, "missing_work_share_threshold"),
    ({"rules": {"grade_average": {"threshold": float("nan")}}}, "grade_average_threshold"),
    ({"rules": {"grade_change": {"weight": float("inf")}}}, "grade_change_weight"),
    ({"watch_score": 1e300}, "watch_score"),
    ({"family_todos": {"missed_parent_events": 0}}, "missed_parent_events_todo")])
def test_the_service_refuses_settings_out_of_range_and_saves_nothing(app, settings, field):
    school = factories.make_school()
    current_rule_set(school)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        save_rule_set(school=school, settings=settings, actor=None, seen="1")
    assert refused.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(RiskRuleSet)) == 1


def test_only_administrators_edit_settings(app, login_as):
    school = factories.make_school()
    counsellor = factories.make_user(Role.COUNSELLOR, school)
    db.session.commit()
    assert login_as(counsellor).get("/risk/settings").status_code == 403


def test_counsellor_sees_new_flags_with_reasons_and_a_home_tile(app, login_as):
    _, counsellor, student, _ = _flagged_school()
    db.session.commit()
    client = login_as(counsellor)
    page = client.get("/risk/flags").get_data(as_text=True)
    assert student.display_name in page and "attendance in the last 4 weeks" in page
    assert f"/students/{student.id}#log-contact" in page
    assert "new risk flags" in client.get("/staff").get_data(as_text=True)


def test_a_flag_waiting_for_days_says_since_when(app, login_as, clock):
    _, counsellor, student, assessment = _flagged_school()
    flagged_on = clock.today
    for _ in range(3):  # three nights later, not yet seen: still here, since the first day
        clock.advance(days=1)
        assess_students(school=student.school, today=TODAY)
    db.session.commit()
    page = login_as(counsellor).get("/risk/flags").get_data(as_text=True)
    assert student.display_name in page
    assert f"On the list since {flagged_on:%b} {flagged_on.day}, {flagged_on.year}." in page


def test_one_click_opens_an_intervention_and_clears_the_flag(app, login_as):
    _, counsellor, student, assessment = _flagged_school()
    db.session.commit()
    client = login_as(counsellor)
    client.post(f"/risk/flags/{assessment.id}/intervention", data={"kind": "attendance"})
    intervention = db.session.scalar(select(Intervention))
    assert (intervention.student_id, intervention.kind, intervention.risk_assessment_id) == (
        student.id, "attendance", assessment.id)
    assert "attendance in the last 4 weeks 60%, below 85%" in intervention.reason
    assert f"/risk/flags/{assessment.id}/" not in client.get("/risk/flags").get_data(as_text=True)


def test_a_refusal_said_on_the_page_may_be_sent_again(app, login_as):
    """The flag's button answers a refusal by going back with an error note: that press is
    not "already sent" (core/once.py), and the same press again is refused for its reason."""
    _, counsellor, _student, assessment = _flagged_school()
    db.session.commit()
    client = login_as(counsellor)
    for _ in range(2):
        answer = client.post(f"/risk/flags/{assessment.id}/intervention", data={"kind": ""},
                             follow_redirects=True).get_data(as_text=True)
        assert "Choose a kind of intervention." in answer and "already sent" not in answer
    assert db.session.scalar(select(Intervention)) is None
    client.post(f"/risk/flags/{assessment.id}/intervention", data={"kind": "attendance"})
    assert db.session.scalar(select(Intervention)) is not None


def test_another_schools_counsellor_gets_404(app, login_as):
    _, _, student, assessment = _flagged_school()
    _, stranger, _, _ = _flagged_school()
    db.session.commit()
    client = login_as(stranger)
    assert student.display_name not in client.get("/risk/flags").get_data(as_text=True)
    assert client.post(f"/risk/flags/{assessment.id}/acknowledge").status_code == 404
    assert client.post(f"/risk/flags/{assessment.id}/intervention",
                       data={"kind": "other"}).status_code == 404


def test_profile_panel_shows_current_risk_and_reasons(app, login_as):
    _, counsellor, student, _ = _flagged_school()
    db.session.commit()
    page = login_as(counsellor).get(f"/students/{student.id}").get_data(as_text=True)
    assert "Early warning" in page and "below 90%" in page
    assert 'data-figure="student-risk-data"' in page


def test_the_preview_counts_what_a_recompute_then_produces_and_saves_nothing(app, login_as):
    school = factories.make_school()
    factories.make_term(school)
    admin = factories.make_user(Role.ADMINISTRATOR, school)
    days = school_days(TODAY, 40)
    for absences in (0, 3, 5, 6, 10):
        record_attendance(factories.make_student(school), days,
                          absent_on=set(days[len(days) - absences:]))
    db.session.commit()
    client = login_as(admin)
    client.get("/risk/settings")
    stricter = _settings_form(attendance_rate_term_threshold="95", high_score="4",
                              preview="Preview the lists")
    page = client.post("/risk/settings", data=stricter).get_data(as_text=True)
    shown = re.search(r"today: (\d+) high, (\d+) watch, (\d+) not flagged", page).groups()
    assert db.session.scalar(select(db.func.count()).select_from(RiskRuleSet)) == 1
    del stricter["preview"]
    client.post("/risk/settings", data=stricter)
    levels = Counter(a.level for a in assess_students(school=school))
    assert tuple(int(n) for n in shown) == (levels["high"], levels["watch"], levels["none"])
    assert levels["high"] and levels["watch"] and levels["none"]


def test_a_district_administrator_chooses_whose_settings_to_change(app, login_as):
    """Each school has its own settings: the district's administrator picks one (they
    silently edited the district's first school), and another district's is not found."""
    valley = district()
    client = login_as(valley.admin)
    page = client.get("/risk/settings").get_data(as_text=True)
    assert f"/risk/settings?school_id={valley.south.id}" in page and "Elsewhere" not in page
    assert client.get(f"/risk/settings?school_id={valley.elsewhere.id}").status_code == 404
    url = f"/risk/settings?school_id={valley.south.id}"
    form = next(f for f in Forms(client.get(url).get_data(as_text=True)).forms
                if "high_score" in f.values).values
    saved = client.post(url, data={k: v for k, v in form.items() if k != "preview"})
    assert saved.status_code == 302 and saved.location.endswith(url)
    versions = dict(db.session.execute(select(RiskRuleSet.school_id, func.max(
        RiskRuleSet.version)).group_by(RiskRuleSet.school_id)).all())
    assert versions[valley.south.id] == 2 and versions.get(valley.north.id, 1) == 1
