"""Program impact and intervention effectiveness pages: matched groups, honest words.

A school of twelve core sections of eight grade-9 students. Everyone misses every Monday
(80 %), except participants (one a section) from their start on 19 October (100 %): a
planted difference of exactly 20 points, with perfectly matched groups before.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import insert

from portal.auth.models import Role
from portal.dashboards import impact_panel, impact_queries, pages
from portal.dashboards.impact_panel import week_index
from portal.extensions import db
from portal.outcomes.models import DailyAttendance, Grade, Intervention, Program, ProgramEnrollment
from portal.risk.models import RiskAssessment, RiskRuleSet
from tests import factories

START = date(2026, 10, 19)  # a Monday: week 7 of the term that starts on 1 September
TERM_START, TODAY = date(2026, 9, 1), date(2026, 11, 25)
LAST_RECORDED = date(2026, 11, 20)  # the Friday before: this week has no records yet


@dataclass
class Built:
    school: object
    admin: object
    term: object
    groups: list = field(default_factory=list)
    program: object = None


def _school() -> Built:
    school = factories.make_school("Hillside")
    term = factories.make_term(school)
    built = Built(school, factories.make_user(Role.ADMINISTRATOR, school), term)
    for _ in range(12):
        group = [factories.make_student(school, grade_level=9) for _ in range(8)]
        factories.make_section(school, None, *group, term=term)
        built.groups.append(group)
    return built


def _attend(built: Built, student, *, present_from: date | None = None,
            since: date = TERM_START) -> None:
    """Record every school day: absent on Mondays (before `present_from`), else present."""
    rows, day = [], since
    while day <= LAST_RECORDED:
        if day.weekday() < 5:
            absent = day.weekday() == 0 and (present_from is None or day < present_from)
            rows.append({"school_id": built.school.id, "student_id": student.id, "on_date": day,
                         "status": "absent_unexcused" if absent else "present",
                         "recorded_at": datetime.combine(day, datetime.min.time())})
        day += timedelta(days=1)
    db.session.execute(insert(DailyAttendance), rows)


def _program_school(*, lottery: bool = False) -> Built:
    built = _school()
    built.program = Program(school_id=built.school.id, name="Reading tutoring",
                            kind="tutoring", places_by_lottery=lottery)
    db.session.add(built.program)
    db.session.flush()
    late_joiner = built.groups[2][2]
    starts = {group[0]: START for group in built.groups}
    starts |= {built.groups[0][1]: date(2026, 9, 14), built.groups[1][1]: date(2026, 11, 23),
               late_joiner: START}
    for student in (s for group in built.groups for s in group):
        if student is late_joiner:
            _attend(built, student, present_from=START, since=date(2026, 10, 12))
        else:
            _attend(built, student, present_from=starts.get(student))
    for student, start in starts.items():
        db.session.add(ProgramEnrollment(program_id=built.program.id, student_id=student.id,
                                         starts_on=start))
    db.session.commit()
    return built


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _event_study(page: str) -> dict:
    start = page.index('id="event-study-data">') + len('id="event-study-data">')
    return json.loads(page[start:page.index("</script>", start)])


def test_program_page_matches_aligns_and_counts_who_was_analysed(app, login_as):
    built = _program_school()
    page = login_as(built.admin).get(
        f"/dashboards/programs?program_id={built.program.id}").get_data(True)
    text = _text(page)
    assert ("15 enrolled; 12 analysed; 1 started in the first 6 weeks of the term (no before "
            "period); 1 had too few school days before the start; 1 started less than 2 weeks "
            "ago (no after period yet).") in text
    assert "Scope: the whole school" in text
    assert "Before the start: were the groups alike?" in text and "alike (within 0.05 SD)" in text
    assert "+20.00 points" in text
    assert ("Participants changed 20.00 points more than matched students in the same grades. "
            "This is an association, not proof that the program caused it.") in text
    assert "+20.00 to +20.00 points" in text and "The interval excludes zero" in text
    assert "the difference is computed from the rounded changes, so they add up" in text
    assert "caused participants" not in text


def test_event_study_shows_six_weeks_before_the_start_for_both_groups(app, login_as):
    built = _program_school()
    page = login_as(built.admin).get(
        f"/dashboards/programs?program_id={built.program.id}").get_data(True)
    participants, matched = _event_study(page)["data"]
    assert participants["x"][:7] == [-6, -5, -4, -3, -2, -1, 0]
    assert participants["y"][:6] == matched["y"][:6] == [80.0] * 6  # together before
    assert participants["y"][6] == 100.0 and matched["y"][6] == 80.0


def test_a_lottery_program_may_say_caused(app, login_as):
    built = _program_school()
    client = login_as(built.admin)
    saved = client.post(f"/outcomes/programs/{built.program.id}/edit", data={
        "name": "Reading tutoring", "kind": "tutoring", "places_by_lottery": "y"})
    assert saved.status_code == 302
    db.session.refresh(built.program)
    assert built.program.places_by_lottery
    text = _text(client.get(f"/dashboards/programs?program_id={built.program.id}")
                 .get_data(True))
    assert ("Places in this program are allocated by lottery, so the program caused "
            "participants to change 20.00 points more") in text
    assert "This is an association" not in text


def test_editing_a_program_without_the_box_clears_the_lottery(app, login_as):
    built = _program_school(lottery=True)
    login_as(built.admin).post(f"/outcomes/programs/{built.program.id}/edit",
                               data={"name": "Reading tutoring", "kind": "tutoring"})
    db.session.refresh(built.program)
    assert not built.program.places_by_lottery


def test_a_counsellor_sees_their_caseload_named(app, login_as):
    built = _program_school()
    counsellor = factories.make_user(Role.COUNSELLOR, built.school)
    factories.assign_counsellor(counsellor, built.school, 9)
    db.session.commit()
    text = _text(login_as(counsellor).get(
        f"/dashboards/programs?program_id={built.program.id}").get_data(True))
    assert "Scope: your caseload" in text and "12 analysed" in text


def test_grade_outcomes_use_assessments_not_period_grades(app):
    built = _school()
    student = built.groups[0][0]
    period = built.term.grading_periods[0]
    section = factories.make_section(built.school, None, term=built.term)
    for kind, score in (("assessment", 60.0), ("period", 90.0)):
        db.session.add(Grade(student_id=student.id, section_id=section.id,
                             grading_period_id=period.id,
                             kind=kind, score=score, recorded_on=date(2026, 10, 1)))
    db.session.flush()
    # Thursday 1 October is in week 4 from the week of Tuesday 1 September (Monday 31 August)
    assert impact_queries.weekly_observations([student.id], "grades", TERM_START,
                                              TODAY).tolist() == [[student.id, 4, 60.0, 1]]


def test_the_database_counts_weeks_from_the_monday_of_the_first_day(app):
    """Weeks as week_index counts them: Sunday ends one, Monday starts the next; days
    before the first day or after today are not counted."""
    built = _school()
    student, other = built.groups[0][:2]
    days = {date(2026, 8, 31): "absent_unexcused",  # the Monday before: not asked for
            date(2026, 9, 1): "present", date(2026, 9, 6): "tardy",  # Tuesday, Sunday
            date(2026, 9, 7): "absent_excused", date(2026, 9, 13): "present",  # Mon, Sun
            date(2026, 11, 23): "present", date(2026, 11, 26): "absent_unexcused"}  # today+1
    db.session.execute(insert(DailyAttendance), [
        {"school_id": built.school.id, "student_id": student.id, "on_date": day,
         "status": status, "recorded_at": datetime.combine(day, datetime.min.time())}
        for day, status in days.items()])
    _attend(built, other)  # a student not asked for: none of their weeks
    found = sorted(impact_queries.weekly_observations(
        [student.id], "attendance", TERM_START, TODAY).tolist())
    assert found == [[student.id, 0, 200.0, 2], [student.id, 1, 100.0, 2],
                     [student.id, 12, 100.0, 1]]
    assert [week_index(day, TERM_START) for day in (date(2026, 9, 6), date(2026, 9, 7),
                                                     date(2026, 11, 23))] == [0, 1, 12]


def _flag(rules, student, level="high", on=START) -> RiskAssessment:
    flag = RiskAssessment(student_id=student.id, rule_set_id=rules.id, score=70.0, level=level,
                          reasons=[{"indicator": "attendance_rate"}], is_new_flag=True,
                          computed_at=datetime.combine(on, datetime.min.time()))
    db.session.add(flag)
    db.session.flush()
    return flag


def test_interventions_compare_with_students_flagged_alike_and_not_helped(app, login_as):
    built = _school()
    rules = RiskRuleSet(school_id=built.school.id, version=1, settings={})
    db.session.add(rules)
    db.session.flush()
    for group in built.groups:  # in each section: one helped, one flagged alike, not helped
        helped, waiting = group[0], group[1]
        flag = _flag(rules, helped)
        _flag(rules, waiting)
        _flag(rules, group[2], level="watch")  # another level, back by itself: no comparison
        db.session.add(Intervention(student_id=helped.id, kind="attendance", reason="Flagged",
                                    goal="Every day", risk_assessment_id=flag.id,
                                    opened_on=START + timedelta(days=2)))
        _attend(built, helped, present_from=START)
        _attend(built, waiting)
        _attend(built, group[2], present_from=START)
    unflagged = built.groups[0][3]
    db.session.add(Intervention(student_id=unflagged.id, kind="academic", reason="Asked",
                                goal="Pass", opened_on=START))
    db.session.commit()
    text = _text(login_as(built.admin).get("/dashboards/interventions").get_data(True))
    assert ("13 students got an intervention; 12 analysed; 1 had no risk flag before the "
            "intervention.") in text
    assert "3 comparison students" in text  # alike, so the same three nearest for all
    assert ("Students who got an intervention changed 20.00 points more than students flagged "
            "alike who got none yet. This is an association, not proof that the intervention "
            "caused it.") in text
    assert "The interval excludes zero" in text


def test_interventions_page_rejects_an_unknown_outcome(app, login_as):
    built = _school()
    db.session.commit()
    assert login_as(built.admin).get("/dashboards/interventions?outcome=mood").status_code == 404


def test_the_intervention_panel_holds_only_the_helped_and_the_students_flagged_alike(
        app, monkeypatch):
    """Only the helped and the flagged alike can be compared: the panel leaves out everyone
    else (a district's every student was 1.85 million weekly rows for nothing)."""
    built = _school()
    rules = RiskRuleSet(school_id=built.school.id, version=1, settings={})
    db.session.add(rules)
    db.session.flush()
    helped, alike, watch, later, old, seen_again, never = built.groups[0][:7]
    flag = _flag(rules, helped, on=START)
    _flag(rules, alike, on=START + timedelta(days=1))  # the same week, the same level
    _flag(rules, watch, level="watch", on=START)
    _flag(rules, later, on=TODAY)
    _flag(rules, old, on=TERM_START - timedelta(days=1))  # last year's flag
    _flag(rules, seen_again, on=START).is_new_flag = False  # an assessment, not a new flag
    elsewhere = factories.make_student(factories.make_school("Elsewhere"), grade_level=9)
    elsewhere_flag = _flag(rules, elsewhere, on=START)  # alike, in a school not theirs
    db.session.add(Intervention(student_id=elsewhere.id, kind="attendance", reason="Flagged",
                                goal="Every day", risk_assessment_id=elsewhere_flag.id,
                                opened_on=START + timedelta(days=2)))
    db.session.add(Intervention(student_id=helped.id, kind="attendance", reason="Flagged",
                                goal="Every day", risk_assessment_id=flag.id,
                                opened_on=START + timedelta(days=2)))
    for student in (helped, alike, watch, later, old, seen_again, never):
        _attend(built, student)
    db.session.flush()
    panels = []
    build_panel = impact_panel.build_panel

    def kept(ids, *args):
        panels.append((ids, build_panel(ids, *args)))
        return panels[-1][1]

    monkeypatch.setattr(impact_panel, "build_panel", kept)
    shown = pages.intervention_effectiveness(built.admin, "attendance", TODAY)
    ((ids, panel),) = panels
    assert ids == [helped.id, alike.id]
    assert shown["effect"].enrolled == 1  # the other school's helped student is not theirs
    assert panel.weights[:, 1].tolist() == [5, 5]  # their own attendance, a week of it
    program = Program(school_id=built.school.id, name="Tutoring", kind="tutoring")
    db.session.add(program)
    db.session.flush()
    pages.program_impact(built.admin, program, "attendance", TODAY)
    assert len(panels[1][0]) == 96  # a program's comparison may be anyone


def test_a_program_is_compared_within_its_own_school_whoever_looks(app, login_as, monkeypatch):
    """The district's administrator, across every school, sees the figure the program's
    school sees: the comparison pool is the program's school (its calendar, its grading),
    never another school of the district, however alike its students look."""
    built = _program_school()
    other = factories.make_school("Riverside")
    district = factories.make_district("Valley", built.school, other)
    lookalikes = [factories.make_student(other, grade_level=9) for _ in range(40)]
    for student in lookalikes:  # absent every Monday, all term, like the non-participants
        _attend(Built(other, None, None), student)
    district_admin = factories.make_district_admin(district)
    db.session.commit()
    url = f"/dashboards/programs?program_id={built.program.id}"
    school_view = _text(login_as(built.admin).get(url).get_data(True))
    district_view = _text(login_as(district_admin).get(url).get_data(True))
    shown = re.compile(r"Scope: .*? comparison students\.")
    assert shown.search(district_view).group() == shown.search(school_view).group()
    assert "Scope: the whole school" in district_view and "+20.00 points" in district_view
    panels = []
    build_panel = impact_panel.build_panel
    monkeypatch.setattr(impact_panel, "build_panel",
                        lambda ids, *args: panels.append(ids) or build_panel(ids, *args))
    pages.program_impact(district_admin, built.program, "attendance", TODAY)
    assert sorted(panels[0]) == sorted(s.id for group in built.groups for s in group)
