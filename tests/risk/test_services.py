"""Assessments: rule-set versions, history, new flags, recompute on change, the cap."""

from datetime import datetime

from flask_migrate import upgrade
from sqlalchemy import delete, func, select, text, update

from portal.core.signals import student_data_changed, students_flagged
from portal.extensions import db
from portal.outcomes.models import AttendanceStatus, BehaviourIncident, DailyAttendance
from portal.risk.models import RiskAssessment, RiskLevelCount
from portal.risk.queries import flagged_students, new_flag_count
from portal.risk.services import (
    acknowledge_flag,
    assess_students,
    current_rule_set,
    recompute_all,
    save_rule_set,
)
from tests import factories
from tests.conftest import TEST_NOW, is_postgres
from tests.risk.helpers import (
    TODAY,
    add_old_assessment,
    record_attendance,
    record_incidents,
    school_at_revision,
    school_days,
)


def _student_with_attendance(school, absences: int):
    student = factories.make_student(school)
    days = school_days(TODAY, 40)
    record_attendance(student, days, absent_on=set(days[len(days) - absences:]))
    return student


def test_a_new_threshold_is_a_new_version_and_changes_the_result(app):
    school = factories.make_school()
    factories.make_term(school)
    student = _student_with_attendance(school, absences=3)  # 92.5 % this term, 85 % recently
    first = assess_students(school=school, today=TODAY)[0]
    assert "attendance_rate_term" not in [r["indicator"] for r in first.reasons]
    admin = factories.make_user("administrator", school)
    stricter = save_rule_set(school=school, actor=admin,
                             settings={"rules": {"attendance_rate_term": {"threshold": 95}}})
    second = assess_students(school=school, student_ids=[student.id], today=TODAY)[0]
    assert (current_rule_set(school).version, stricter.version) == (2, 2)
    assert second.rule_set_id == stricter.id != first.rule_set_id
    assert second.reasons[0]["threshold"] == 95


def test_becoming_flagged_is_announced_once_and_a_first_assessment_is_not_news(app):
    school = factories.make_school()
    factories.make_term(school)
    already = _student_with_attendance(school, absences=12)  # 70 % this term, 40 % recently
    student = factories.make_student(school)  # no records yet: not at risk
    received = []

    def listener(sender, assessments):
        received.extend(assessments)

    students_flagged.connect(listener)
    try:
        first = {a.student_id: a for a in assess_students(school=school, today=TODAY)}
        days = school_days(TODAY, 40)
        record_attendance(student, days, absent_on=set(days[-12:]))
        worse = {a.student_id: a for a in assess_students(school=school, today=TODAY)}
        again = assess_students(school=school, today=TODAY)
        db.session.execute(update(DailyAttendance).where(DailyAttendance.student_id == already.id)
                           .values(status="present"))  # the register corrected: no absences
        (better,) = assess_students(school=school, student_ids=[already.id], today=TODAY)
    finally:
        students_flagged.disconnect(listener)
    assert better.level == "none" and not better.is_new_flag  # a lower level is no news
    assert first[already.id].level == "watch" and not first[already.id].is_new_flag
    assert first[student.id].level == "none"
    assert worse[student.id].level == "watch" and worse[student.id].is_new_flag
    assert not worse[already.id].is_new_flag
    # Nothing changed since: the same assessments stand, nothing is written or announced.
    assert sorted(assessment.id for assessment in again) == \
        sorted(assessment.id for assessment in worse.values())
    assert received == [worse[student.id]]


def test_a_new_flag_stays_on_the_list_night_after_night_until_marked_seen(app, clock):
    school = factories.make_school()
    factories.make_term(school)
    admin = factories.make_user("administrator", school)
    steady = _student_with_attendance(school, absences=12)  # flagged from the first night
    student = factories.make_student(school)
    received = []

    def listener(sender, assessments):
        received.extend(assessment.student_id for assessment in assessments)

    def listed():
        return [student.id for _, student in flagged_students(admin, new_only=True)]

    students_flagged.connect(listener)
    try:
        assess_students(school=school, today=TODAY)
        days = school_days(TODAY, 40)
        record_attendance(student, days, absent_on=set(days[-12:]))
        assess_students(school=school, today=TODAY)
        for _ in range(3):  # three nights: the same risk, no new flag, still waiting
            clock.advance(days=1)
            assess_students(school=school, today=TODAY)
        assert listed() == [student.id] and new_flag_count(admin) == 1
        assert received == [student.id]  # announced once
        (newest, _), = flagged_students(admin, new_only=True)
        acknowledge_flag(assessment=newest, actor=admin)
        assert listed() == []
        clock.advance(days=1)
        assess_students(school=school, today=TODAY)
        assert listed() == [] and new_flag_count(admin) == 0  # seen stays seen
    finally:
        students_flagged.disconnect(listener)
    assert steady.id not in received  # a first assessment is where a student stands


def test_student_data_changed_recomputes_that_student(app):
    school = factories.make_school()
    factories.make_term(school)
    student = _student_with_attendance(school, absences=0)
    student_data_changed.send(None, student_id=student.id)
    history = db.session.scalars(select(RiskAssessment)
                                 .where(RiskAssessment.student_id == student.id)).all()
    assert len(history) == 1


def test_a_mark_that_changes_no_risk_adds_no_assessment_but_each_day_keeps_one(app, clock):
    """The history grows with changes of risk, of rules and of days, not with every mark."""
    school = factories.make_school()
    factories.make_term(school)
    student = _student_with_attendance(school, absences=12)

    def reassess():  # as a change of the student's data does, as of the same school day
        return assess_students(school=school, student_ids=[student.id], today=TODAY)[0].id

    def history():
        return db.session.execute(
            select(RiskAssessment.id, RiskAssessment.rule_set_id, RiskAssessment.score,
                   RiskAssessment.computed_at)
            .where(RiskAssessment.student_id == student.id).order_by(RiskAssessment.id)).all()

    first = reassess()
    clock.advance(hours=1)
    assert reassess() == first and [row.id for row in history()] == [first]
    day = db.session.scalar(select(DailyAttendance).where(
        DailyAttendance.student_id == student.id, DailyAttendance.status == "present")
        .order_by(DailyAttendance.on_date.desc()).limit(1))
    day.status = AttendanceStatus.ABSENT_UNEXCUSED
    lower_rate = reassess()  # one more absence: the same level and score, a lower rate
    assert lower_rate != first and history()[1].score == history()[0].score
    record_incidents(student, 3, TODAY)
    assert reassess() != lower_rate  # a higher score: written
    assert history()[2].score > history()[1].score and history()[2].computed_at == clock.now
    rules = save_rule_set(school=school, actor=None,
                          settings={"rules": {"late_work_share": {"weight": 0.5}}})
    reassess()  # the same reasons under new rules: written, under them
    assert [row.rule_set_id for row in history()][-1] == rules.id and len(history()) == 4
    clock.advance(days=1)
    reassess()  # the same risk on a new day: its own row, for the day's counts
    assert len(history()) == 5 and history()[4].computed_at == clock.now
    day_counts = db.session.execute(select(RiskLevelCount.day, RiskLevelCount.students).where(
        RiskLevelCount.school_id == school.id, RiskLevelCount.students != 0)
        .order_by(RiskLevelCount.day)).all()
    assert day_counts == [(TEST_NOW.date(), 1), (clock.today, 1)]


def test_the_high_cap_keeps_the_top_scores_high(app):
    school = factories.make_school()
    factories.make_term(school)
    worst = _student_with_attendance(school, absences=12)
    record_incidents(worst, 3, TODAY)  # behaviour too: a higher score than the other one
    other = _student_with_attendance(school, absences=12)
    save_rule_set(school=school, actor=None, settings={"high_cap": 1, "high_score": 4})
    levels = {a.student_id: a.level for a in assess_students(school=school, today=TODAY)}
    assert sorted(levels.values()) == ["high", "watch"]
    assert levels[worst.id] == "high"
    # Re-assessed alone (their data changed), the other stays under the cap the worst holds.
    (again,) = assess_students(school=school, student_ids=[other.id], today=TODAY)
    assert again.level == "watch"
    # The worst comes every day after all and behaves: the other, reassessed for the same
    # reasons, is now the top score: high, a new assessment (not the capped one standing).
    db.session.execute(update(DailyAttendance).where(DailyAttendance.student_id == worst.id)
                       .values(status=AttendanceStatus.PRESENT))
    db.session.execute(delete(BehaviourIncident).where(BehaviourIncident.student_id == worst.id))
    assert assess_students(school=school, student_ids=[worst.id], today=TODAY)[0].level == "none"
    (top,) = assess_students(school=school, student_ids=[other.id], today=TODAY)
    assert (top.level, top.reasons) == ("high", again.reasons) and top.id != again.id


def test_recompute_all_reports_progress(app):
    school = factories.make_school()
    factories.make_term(school)
    for _ in range(3):
        factories.make_student(school)
    seen = []
    assert recompute_all(progress=lambda done, total: seen.append((done, total))) == 3
    assert seen[-1] == (3, 3)


def test_after_the_recompute_the_planner_knows_the_new_assessments(app):
    """Analysed, and on PostgreSQL vacuumed, so their pages are marked all-visible and the
    newest levels are read from the index alone (autovacuum is off in tests). Whether the
    pages could be marked depends on other transactions in the database (another test run
    beside this one holds them back), so the test checks that VACUUM ran."""
    school = factories.make_school()
    factories.make_term(school)
    for _ in range(200):
        factories.make_student(school)
    db.session.commit()
    if not is_postgres():
        db.session.execute(text("ANALYZE"))  # sqlite_stat1 exists once analysed
        db.session.execute(text("DELETE FROM sqlite_stat1"))
        db.session.commit()
    recompute_all(today=TODAY)
    for table in ("risk_assessments", "newest_assessments"):  # the newest: the flagged lists
        if is_postgres():
            vacuumed, analysed = db.session.execute(text(
                "SELECT last_vacuum, last_analyze FROM pg_stat_user_tables "
                "WHERE relid = to_regclass(:table)"), {"table": table}).one()
            assert vacuumed is not None and analysed is not None, table
        else:
            assert db.session.scalar(text(
                "SELECT count(*) FROM sqlite_stat1 WHERE tbl = :table"), {"table": table}) > 0


def test_the_nightly_recompute_is_a_registered_periodic_job(app):
    from portal.core.jobs import registered_jobs

    (job,) = [job for job in registered_jobs() if job.name == "risk-nightly-recompute"]
    assert job.every.days == 1 and job.run is recompute_all


def test_past_assessments_give_a_new_school_a_history_without_news(app):
    """The history marks where a level rose (the intervention analysis starts from those
    flags) but tells nobody and puts nothing on the new-flags list."""
    from datetime import date

    from portal.dashboards.queries import risk_levels_over_time
    from portal.people.models import Student
    from portal.risk.services import record_past_assessments

    school = factories.make_school()
    factories.make_term(school)  # from 1 September; the clock says 25 November
    student = _student_with_attendance(school, absences=12)
    calm = _student_with_attendance(school, absences=0)
    announced = []
    with students_flagged.connected_to(lambda sender, **kw: announced.append(kw)):
        assert record_past_assessments(school=school) == 10
    history = db.session.scalars(select(RiskAssessment).where(RiskAssessment.student_id
                                                              == student.id)
                                 .order_by(RiskAssessment.id)).all()
    assert [a.computed_at.date() for a in history] == [
        date(2026, 9, 29), date(2026, 10, 13), date(2026, 10, 27), date(2026, 11, 10),
        date(2026, 11, 24)]
    # Attendance counts only once enough days are recorded: the absences of November show.
    levels = [a.level for a in history]
    assert levels[-1] == "watch" and levels[0] == "none"
    rank = ["none", "watch", "high"].index
    rose = [index for index in range(1, 5) if rank(levels[index]) > rank(levels[index - 1])]
    assert rose and [a.is_new_flag for a in history] == [
        index in rose for index in range(5)]
    assert not db.session.scalar(select(func.count()).where(
        RiskAssessment.student_id == calm.id, RiskAssessment.is_new_flag.is_(True)))
    assert not any(a.carries_new_flag for a in history) and announced == []
    assess_students(school=school)
    days = risk_levels_over_time(select(Student.id).where(Student.id == student.id))
    assert len(days) == 6


def test_the_migration_keeps_the_flags_raised_so_far_on_the_list(tmp_path):
    with school_at_revision(tmp_path, "0019_level_counts") as (school, rules):
        flagged, calm = factories.make_student(school), factories.make_student(school)
        add_old_assessment(student_id=flagged.id, rule_set_id=rules.id, level="high",
                           is_new_flag=True, computed_at=datetime(2026, 11, 20, 23))
        add_old_assessment(student_id=calm.id, rule_set_id=rules.id, level="watch",
                           computed_at=datetime(2026, 11, 20, 23))
        db.session.commit()
        upgrade()
        carried = dict(db.session.execute(select(RiskAssessment.student_id,
                                                 RiskAssessment.carries_new_flag)).all())
        assert carried == {flagged.id: True, calm.id: False}
