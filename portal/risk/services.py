"""Write use cases of the early-warning engine: rule-set versions, assessments, follow-up."""

import json
import time as clock
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.auth.models import User
from portal.core.bulk import (
    among,
    collector_paused,
    copy_rows,
    insert_returning_ids,
    reserve_ids,
)
from portal.core.errors import DomainError
from portal.core.planner import refresh_statistics
from portal.core.signals import record_changed, students_flagged
from portal.core.time import to_utc, today_in, utcnow
from portal.extensions import db
from portal.outcomes.models import Intervention
from portal.people.changes import check_same_version
from portal.people.models import School, Student
from portal.people.queries import current_term
from portal.risk.indicators import compute_indicators, district_indicators
from portal.risk.labels import reason_text
from portal.risk.level_counts import Newest, assessments_before, count_levels
from portal.risk.models import NewestAssessment, RiskAssessment, RiskLevel, RiskRuleSet
from portal.risk.queries import newest_assessment_ids
from portal.risk.scoring import (
    DEFAULT_SETTINGS,
    Assessment,
    RuleSetScorer,
    cap_high_flags,
    merged_settings,
    out_of_range,
)

# Students whose indicators one set of grouped queries computes: a whole school of a
# district (about 1,500) at once, within the bind-parameter limits of SQLite and PostgreSQL.
BATCH = 2_000


def current_rule_set(school: School) -> RiskRuleSet:
    """Return the school's newest rule set, creating version 1 from the defaults if none."""
    rule_set = db.session.scalar(
        select(RiskRuleSet).where(RiskRuleSet.school_id == school.id)
        .order_by(RiskRuleSet.version.desc()).limit(1))
    if rule_set is None:
        rule_set = RiskRuleSet(school_id=school.id, version=1, settings=DEFAULT_SETTINGS)
        db.session.add(rule_set)
        db.session.flush()
    return rule_set


def save_rule_set(*, school: School, settings: dict, actor: User | None,
                  seen: str | None = None) -> RiskRuleSet:
    """Store the school's edited thresholds and weights as a new rule-set version, unless a
    newer version was saved since the form was filled from version `seen`; a number out of
    its range is refused, naming its field."""
    newest = db.session.scalar(select(func.max(RiskRuleSet.version))
                               .where(RiskRuleSet.school_id == school.id)) or 0
    check_same_version(str(newest), seen)
    settings = merged_settings(settings)
    problems = out_of_range(settings)
    if problems:
        field, lowest, highest = problems[0]
        raise DomainError(_("Enter a number from %(min)s to %(max)s.", min=lowest, max=highest),
                          field=field)
    version = newest + 1
    rule_set = RiskRuleSet(school_id=school.id, version=version,
                           settings=settings,
                           created_by_id=getattr(actor, "id", None))
    db.session.add(rule_set)
    db.session.flush()
    record_changed.send(actor, action="create", object_type="risk_rule_set",
                        object_id=rule_set.id, school_id=school.id,
                        changes={"version": [None, version]})
    return rule_set


def _high_scores_of_others(school: School, student_ids: list[int]) -> list[float]:
    newest = newest_assessment_ids(select(Student.id).where(
        Student.school_id == school.id, Student.id.not_in(student_ids)))
    return list(db.session.scalars(select(RiskAssessment.score).where(
        RiskAssessment.id.in_(newest), RiskAssessment.level == RiskLevel.HIGH)))


def _cap(school: School, scored: dict, cap: int | None, whole_school: bool) -> None:
    if cap is None or whole_school:
        cap_high_flags(scored, cap)
        return
    # Only some students recomputed: compare them with the others' current high flags.
    others = _high_scores_of_others(school, list(scored))
    for assessment in scored.values():
        if assessment.level == RiskLevel.HIGH:
            if sum(1 for score in others if score >= assessment.score) >= cap:
                assessment.level = RiskLevel.WATCH


def _active_student_ids(school: School) -> list[int]:
    return list(db.session.scalars(select(Student.id).where(
        Student.school_id == school.id, Student.is_active.is_(True)).order_by(Student.id)))


def score_school(school: School, student_ids: list[int], settings: dict, today: date,
                 progress: Callable[[int], None] | None = None) -> dict[int, Assessment]:
    """Score students under settings without storing anything (the high cap not applied)."""
    indicators = {}
    for start in range(0, len(student_ids), BATCH):
        indicators.update(compute_indicators(school, student_ids[start:start + BATCH], today))
        if progress:
            progress(len(indicators))
    return score_all(indicators, settings)


def score_all(indicators: dict[int, dict], settings: dict) -> dict[int, Assessment]:
    """Score each student's indicators under one rule set's settings."""
    scorer = RuleSetScorer(settings)
    return {student_id: scorer.score(values) for student_id, values in indicators.items()}


def preview_levels(*, school: School, settings: dict, today: date | None = None) -> dict:
    """Count how many active students each level would hold under these settings; store nothing."""
    settings = merged_settings(settings)
    scored = score_school(school, _active_student_ids(school), settings,
                          today or today_in(school.timezone))
    cap_high_flags(scored, settings.get("high_cap"))
    counts = {level: 0 for level in RiskLevel.ALL}
    for assessment in scored.values():
        counts[assessment.level] += 1
    return counts


def assess_students(*, school: School, student_ids: list[int] | None = None,
                    today: date | None = None,
                    progress: Callable[[int], None] | None = None) -> list[RiskAssessment]:
    """Score students of a school (all active ones when no ids) and store the assessments."""
    whole_school = student_ids is None
    if whole_school:
        student_ids = _active_student_ids(school)
    rule_set = current_rule_set(school)
    settings = merged_settings(rule_set.settings)
    scored = score_school(school, student_ids, settings, today or today_in(school.timezone),
                          progress)
    _cap(school, scored, settings.get("high_cap"), whole_school)
    ids = _store(rule_set, scored)
    return list(db.session.scalars(select(RiskAssessment).where(RiskAssessment.id.in_(ids))
                                   .order_by(RiskAssessment.id)))


def _store(rule_set: RiskRuleSet, scored: dict[int, Assessment]) -> list[int]:
    """Write the assessments in bulk and announce the new flags; return the ids of the
    students' assessments as they now stand.

    A student's first assessment is where they stand, not news: only a worse level than
    their previous assessment is a new flag (announced once). A new flag stays on the
    new-flags list, carried by each later assessment, until someone marks it seen (the list
    shows students flagged now).

    An assessment the same as the student's newest of the same day (same rule set, level
    and reasons, so the same score: a mark that changed nothing) is not written again; that
    one stands. Every change of attendance, grades or behaviour reassesses the student, and
    the history would otherwise grow with every mark rather than with every change of
    risk. Each day keeps its own row, for the day's counts.
    """
    if not scored:
        return []
    before = assessments_before(list(scored))
    computed_at = utcnow()
    unchanged = _unchanged_today(before, scored, rule_set, computed_at)
    rows = []
    for student_id, result in scored.items():
        if student_id in unchanged:
            continue
        newest = before.get(student_id)
        new_flag = _worse(result.level, newest)
        rows.append((student_id, rule_set.id, result.score, result.level, result.reasons,
                     computed_at, new_flag, new_flag or _still_unseen(newest)))
    ids = _insert_assessments(rows) if rows else []
    count_levels([(row[0], row[3], computed_at) for row in rows], before)
    newly_flagged = [id_ for id_, (*_, new_flag, _carried) in zip(ids, rows, strict=True)
                     if new_flag]
    if newly_flagged:
        students_flagged.send(None, assessments=list(db.session.scalars(
            select(RiskAssessment).where(RiskAssessment.id.in_(newly_flagged))
            .order_by(RiskAssessment.id))))
    return ids + [before[student_id].id for student_id in unchanged]


def _still_unseen(newest: Newest | None) -> bool:
    """Whether the student's newest assessment carried a flag nobody has marked seen: the
    new one carries it on (the list shows it while the student is flagged)."""
    return newest is not None and newest.carries_new_flag and newest.acknowledged_at is None


def _unchanged_today(before: dict[int, Newest], scored: dict[int, Assessment],
                     rule_set: RiskRuleSet, now: datetime) -> set[int]:
    """The students whose new assessment is their newest of the same day again: the same
    rule set, level and reasons (and so score). Reasons are read for those of today only."""
    today = [newest.id for newest in before.values() if newest.computed_at.date() == now.date()]
    if not today:
        return set()
    reasons = dict(db.session.execute(select(RiskAssessment.id, RiskAssessment.reasons)
                                      .where(among(RiskAssessment.id, today))).all())
    return {student_id for student_id, result in scored.items()
            if (newest := before.get(student_id)) is not None and newest.id in reasons
            and (newest.rule_set_id, newest.level, reasons[newest.id])
            == (rule_set.id, result.level, result.reasons)}


STORED = ("student_id", "rule_set_id", "score", "level", "reasons", "computed_at", "is_new_flag",
          "carries_new_flag")


def _insert_assessments(rows: list[tuple]) -> list[int]:
    """Insert assessment rows (COPY on PostgreSQL, with ids taken from the sequence first;
    one executemany elsewhere); return their ids in the rows' order."""
    connection = db.session.connection()
    table = RiskAssessment.__table__
    if connection.dialect.name != "postgresql":
        return insert_returning_ids(table, [dict(zip(STORED, row, strict=True)) for row in rows])
    ids = reserve_ids(table, len(rows))
    copy_rows(table, ("id", *STORED), (
        (id_, *row[:4], json.dumps(row[4]), *row[5:]) for id_, row in zip(ids, rows, strict=True)))
    return ids


def record_past_assessments(*, school: School, every: timedelta = timedelta(days=14)) -> int:
    """Store assessments as of past days of this term (a new school's history); announce none.

    The days run every `every` from four weeks into the term until before today; each is
    dated the evening of its day in the school's time zone. A worse level than the day
    before is a new flag, as the nightly job would have recorded it (the intervention
    analysis starts from them), but nobody is told of it and it is on nobody's new-flags
    list: the history is written at once, long after those evenings.
    """
    today = today_in(school.timezone)
    term = current_term(school.id, today)
    first = term.starts_on + timedelta(weeks=4) if term else today
    days = [first + n * every for n in range(max((today - first) // every + 1, 0))]
    rule_set = current_rule_set(school)
    settings = merged_settings(rule_set.settings)
    student_ids = _active_student_ids(school)
    stored = 0
    for day in (day for day in days if day < today):
        scored = score_school(school, student_ids, settings, day)
        _cap(school, scored, settings.get("high_cap"), True)
        computed_at = to_utc(datetime.combine(day, time(18)), school.timezone)
        before = assessments_before(list(scored))
        db.session.add_all(RiskAssessment(
            student_id=student_id, rule_set_id=rule_set.id, score=result.score,
            level=result.level, reasons=result.reasons, computed_at=computed_at,
            is_new_flag=_worse(result.level, before.get(student_id)))
            for student_id, result in scored.items())
        db.session.flush()
        count_levels([(student_id, result.level, computed_at)
                      for student_id, result in scored.items()], before)
        stored += len(scored)
    return stored


def _worse(level: str, newest: Newest | None) -> bool:
    """Whether this level is a new flag: worse than the student's newest assessment (a
    first assessment is where the student stands, not news)."""
    return newest is not None and RiskLevel.ALL.index(level) > RiskLevel.ALL.index(newest.level)


def recompute_all(*, progress: Callable[[int, int], None] | None = None,
                  today: date | None = None, timings: dict | None = None) -> int:
    """Assess every active student of every school; commit per school; return the count.

    The indicators of all the schools that share a day come from one set of district-wide
    queries; each school is then scored under its rule set and its assessments written in
    bulk, and the planner told of them. `timings`, when given, adds up the seconds spent on
    indicators, scoring and writing.
    """
    timings = {} if timings is None else timings
    schools = db.session.scalars(select(School).order_by(School.id)).all()
    total = db.session.scalar(select(func.count()).select_from(Student)
                              .where(Student.is_active.is_(True)))
    by_day = defaultdict(list)
    for school in schools:
        by_day[today or today_in(school.timezone)].append(school)
    done = 0
    with collector_paused():  # 50,000 students' indicators stay alive to the end anyway
        for day, day_schools in by_day.items():
            with _timed(timings, "indicators"):
                of_school = district_indicators(day, [school.id for school in day_schools])
            for school in day_schools:
                rule_set = current_rule_set(school)
                settings = merged_settings(rule_set.settings)
                with _timed(timings, "scoring"):
                    scored = score_all(of_school.get(school.id, {}), settings)
                    cap_high_flags(scored, settings.get("high_cap"))
                with _timed(timings, "writing"):
                    _store(rule_set, scored)
                    db.session.commit()
                done += len(scored)
                if progress:
                    progress(done, total)
    with _timed(timings, "writing"):
        # A new assessment for every student: until autovacuum came round, the newest levels
        # (the dashboard's flagged list, the student list) were read by scanning them all,
        # and the planner still counted the flagged of the night before.
        refresh_statistics(RiskAssessment.__table__, NewestAssessment.__table__, vacuum=True)
    return done


@contextmanager
def _timed(timings: dict, part: str):
    started = clock.perf_counter()
    yield
    timings[part] = timings.get(part, 0.0) + clock.perf_counter() - started


def acknowledge_flag(*, assessment: RiskAssessment, actor: User) -> None:
    """Mark a new flag as seen by the counsellor, so it leaves the new-flags list."""
    assessment.acknowledged_at = utcnow()
    db.session.flush()


def open_intervention(*, student: Student, actor: User, assessment: RiskAssessment | None,
                      kind: str, goal: str) -> Intervention:
    """Open an intervention for a flagged student, owned by the acting counsellor."""
    reason = "; ".join(reason_text(r) for r in (assessment.reasons if assessment else []))
    intervention = Intervention(
        student_id=student.id, owner_id=actor.id, kind=kind, reason=reason or goal, goal=goal,
        risk_assessment_id=assessment.id if assessment else None,
        opened_on=today_in(student.school.timezone))
    db.session.add(intervention)
    if assessment is not None and assessment.acknowledged_at is None:
        assessment.acknowledged_at = utcnow()
    db.session.flush()
    record_changed.send(actor, action="create", object_type="intervention",
                        object_id=intervention.id, student_id=student.id,
                        school_id=student.school_id, changes={"goal": [None, goal]})
    return intervention
