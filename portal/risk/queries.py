"""Read-only selects about risk assessments, always limited to the students a user may see."""

import json
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import Select, Subquery, case, false, func, literal, select, union_all
from sqlalchemy.orm import aliased

from portal.auth.models import User
from portal.core.paging import page_with_total
from portal.core.permissions import on_student_row, student_condition, visible_student_ids
from portal.core.time import today_in
from portal.extensions import db
from portal.people.models import School, Student
from portal.people.queries import current_terms, term_start_of
from portal.risk.indicators import (
    end_of_day,
    family_contact,
    last_family_contacts,
    missed_parent_events,
)
from portal.risk.models import NewestAssessment, RiskAssessment, RiskLevel, RiskRuleSet
from portal.risk.scoring import family_todos, merged_settings


def newest_assessment_ids(student_ids: Select) -> Select:
    """Select the id of each student's newest assessment, for the given student ids.

    Read from the newest assessments the database keeps as assessments are written
    (NewestAssessment): one row a student, whatever the nightly history, and no index probe
    per student at every request.
    """
    return select(NewestAssessment.assessment_id).where(
        NewestAssessment.student_id.in_(student_ids))


def latest_risk(student: Student) -> RiskAssessment | None:
    """Return the student's newest risk assessment, or None when never assessed: the one
    the database keeps as newest (NewestAssessment), so the profile, the lists and the
    dashboards always show the same level."""
    return db.session.scalar(
        select(RiskAssessment).join(NewestAssessment,
                                    NewestAssessment.assessment_id == RiskAssessment.id)
        .where(NewestAssessment.student_id == student.id))


def latest_risk_levels(student_ids=None):
    """Return a subquery (student_id, level) of the given students' newest assessments (the
    level kept beside each: no assessment is read); of every student when None, for joining
    to students chosen already (restricting it again cost a semi-join a student)."""
    levels = select(NewestAssessment.student_id, NewestAssessment.level)
    if student_ids is not None:
        levels = levels.where(NewestAssessment.student_id.in_(student_ids))
    return levels.subquery()


FLAGGED_PER_PAGE = 25


def _flagged_statement(user: User, student_ids: Select | None, new_only: bool,
                       *columns) -> Select:
    """Select the columns (default: each newest assessment and its student) of the flagged,
    worst first, ranked on the level and score kept beside each newest assessment."""
    stmt = (select(*(columns or (RiskAssessment, Student))).select_from(NewestAssessment)
            .join(Student, Student.id == NewestAssessment.student_id)
            .where(student_condition(user),  # on the joined row: not a second semi-join
                   NewestAssessment.level != RiskLevel.NONE))
    if student_ids is not None:
        stmt = stmt.where(on_student_row(student_ids))
    if new_only or not columns:
        stmt = stmt.join(RiskAssessment, RiskAssessment.id == NewestAssessment.assessment_id)
    if new_only:
        stmt = stmt.where(RiskAssessment.carries_new_flag.is_(True),
                          RiskAssessment.acknowledged_at.is_(None))
    return stmt.order_by(NewestAssessment.score.desc(), Student.last_name, Student.id)


def flagged_students(user: User, *, student_ids: Select | None = None,
                     new_only: bool = False) -> list[tuple[RiskAssessment, Student]]:
    """Return (newest assessment, student) of visible students at watch or high, worst first."""
    stmt = _flagged_statement(user, student_ids, new_only)
    return [(assessment, student) for assessment, student in db.session.execute(stmt)]


def flagged_page(user: User, *, student_ids: Select | None = None, page: int = 1,
                 per_page: int = FLAGGED_PER_PAGE, total: int | None = None) -> tuple[list, int]:
    """Return one page of flagged_students (worst first) and how many are flagged in all
    (`total`, when the caller has counted them already).

    The ranking and the total (a window count) are worked out on narrow rows, ids only; only
    the page's assessments and students are then loaded. A district has thousands of flagged
    students, and sorting every one whole, with its reasons, cost more than the page.
    """
    ranked = _flagged_statement(user, student_ids, False, NewestAssessment.assessment_id)
    if total is None:
        shown, total = page_with_total(ranked, page, per_page)
    else:
        shown = db.session.execute(ranked.offset((page - 1) * per_page).limit(per_page)).all()
    if not shown:
        return [], total
    rows = {assessment.id: (assessment, student) for assessment, student in db.session.execute(
        select(RiskAssessment, Student).join(Student, Student.id == RiskAssessment.student_id)
        .where(RiskAssessment.id.in_([assessment_id for assessment_id, in shown])))}
    return [rows[assessment_id] for assessment_id, in shown], total


def new_flag_count(user: User) -> int:
    """Count the visible students newly flagged and not yet acknowledged."""
    return db.session.scalar(
        select(func.count()).select_from(RiskAssessment).where(
            RiskAssessment.id.in_(newest_assessment_ids(visible_student_ids(user))),
            RiskAssessment.carries_new_flag.is_(True), RiskAssessment.acknowledged_at.is_(None),
            RiskAssessment.level != RiskLevel.NONE))


def flagged_since(student_ids: Select) -> dict[int, datetime]:
    """Return {student_id: when the current flag began} for students flagged now.

    A flag begins with the first watch or high assessment after the student's latest
    "none" (or their first assessment); students whose newest assessment is "none" are absent.
    The database keeps it beside each newest assessment (NewestAssessment.flag_began), so
    the page reads one row a flagged student, whatever their history.
    """
    return dict(db.session.execute(
        select(NewestAssessment.student_id, NewestAssessment.flag_began)
        .where(NewestAssessment.student_id.in_(student_ids),
               NewestAssessment.level != RiskLevel.NONE)).all())


def flagged_since_of(students: list[Student]) -> dict[int, datetime]:
    """flagged_since for these students (a page of them)."""
    return flagged_since(select(Student.id).where(Student.id.in_([s.id for s in students])))


def risk_history(student: Student, limit: int = 400) -> list[tuple]:
    """Return (computed_at, score, level) of the student's assessments, oldest first."""
    rows = db.session.execute(
        select(RiskAssessment.computed_at, RiskAssessment.score, RiskAssessment.level)
        .where(RiskAssessment.student_id == student.id)
        .order_by(RiskAssessment.id.desc()).limit(limit)).all()
    return list(reversed(rows))


def rule_set_versions(school_id: int) -> list[RiskRuleSet]:
    """Return the school's rule-set versions, newest first."""
    return list(db.session.scalars(select(RiskRuleSet).where(RiskRuleSet.school_id == school_id)
                                   .order_by(RiskRuleSet.version.desc())))


def school_settings(school_id: int) -> dict:
    """Return the school's newest rule settings over the defaults (the defaults if none)."""
    return school_settings_of([school_id])[school_id]


def school_settings_of(school_ids: list[int]) -> dict[int, dict]:
    """school_settings for many schools at once: {school_id: merged settings}. Schools with
    the same saved settings (most have none) share one merged dict: read it, never change it."""
    versions = aliased(RiskRuleSet)
    newest = (select(func.max(versions.version))
              .where(versions.school_id == RiskRuleSet.school_id).scalar_subquery())
    saved = dict(db.session.execute(
        select(RiskRuleSet.school_id, RiskRuleSet.settings)
        .where(RiskRuleSet.school_id.in_(school_ids), RiskRuleSet.version == newest)).all())
    merged = {}

    def merge(settings: dict | None) -> dict:
        key = json.dumps(settings, sort_keys=True)
        if key not in merged:
            merged[key] = merged_settings(settings)
        return merged[key]

    return {school_id: merge(saved.get(school_id)) for school_id in school_ids}


def family_todos_of(students: list[Student]) -> dict[int, list[dict]]:
    """Return {student_id: to-dos with the family} (no recent contact, missed events)."""
    by_school = defaultdict(list)
    for student in students:
        by_school[student.school_id].append(student.id)
    return family_todos_by_school(by_school)


def _todo_settings(school_ids) -> dict[int, tuple]:
    """{school_id: (first day of its term, its today, its merged family to-do thresholds)},
    in three queries however many schools."""
    todays = {school.id: today_in(school.timezone) for school in db.session.scalars(
        select(School).where(School.id.in_(list(school_ids))))}
    terms, settings = current_terms(todays), school_settings_of(list(todays))
    return {school_id: (term_start_of(terms.get(school_id), today), today,
                        settings[school_id]["family_todos"])
            for school_id, today in todays.items()}


def family_todos_by_school(student_ids: dict[int, list[int]]) -> dict[int, list[dict]]:
    """family_todos_of for {school_id: its students' ids}: the same to-dos, no Student loaded.

    The schools whose terms began the same day, on the same day, are asked together (a
    district's schools mostly share both): one set of statements, not one per school.
    """
    settings = _todo_settings(student_ids)
    asked: dict[tuple, list[int]] = defaultdict(list)
    for school_id, ids in student_ids.items():
        asked[settings[school_id][:2]] += ids
    found = {}
    for (term_start, today), ids in asked.items():
        found.update(family_contact(ids, term_start, today))
    todos = {}
    for school_id, ids in student_ids.items():
        thresholds = settings[school_id][2]
        todos.update({student_id: family_todos(found[student_id], thresholds=thresholds)
                      for student_id in ids})
    return todos


def family_todo_counts(school_ids) -> Subquery:
    """Subquery (student_id, todos): how many of family_todos' to-dos each student of these
    schools has, counted in the database, for ranking thousands of families without loading
    them. Both to-dos fire from their threshold up, as family_todos does.
    """
    asked: dict[tuple, list[int]] = defaultdict(list)
    for school_id, (term_start, today, thresholds) in _todo_settings(school_ids).items():
        asked[(term_start, today, thresholds["days_since_family_contact"],
               thresholds["missed_parent_events"])].append(school_id)
    counts = [_todo_count_statement(schools, *key) for key, schools in asked.items()]
    if not counts:
        return select(Student.id.label("student_id"), literal(0).label("todos")).where(
            false()).subquery()
    return (union_all(*counts) if len(counts) > 1 else counts[0]).subquery()


def _todo_count_statement(schools: list[int], term_start: date, today: date,
                          contact_days: int, missed_events: int) -> Select:
    """family_todo_counts for schools that share a term start, a day and thresholds."""
    def within(column):
        return column.in_(select(Student.id).where(Student.school_id.in_(schools)))

    last = last_family_contacts(within, today).subquery()
    missed = [statement.subquery() for statement in missed_parent_events(within, term_start,
                                                                         today)]
    # days since the last contact >= contact_days: contacted on or before today - contact_days
    # (never contacted counts from the term's first day, the same for every student here)
    contact = case((last.c.last_contact < end_of_day(today - timedelta(days=contact_days)), 1),
                   (last.c.last_contact.is_(None),
                    int((today - term_start).days >= contact_days)), else_=0)
    events = case((sum((func.coalesce(kind.c.missed, 0) for kind in missed), literal(0))
                   >= missed_events, 1), else_=0)
    stmt = select(Student.id.label("student_id"), (contact + events).label("todos")).where(
        Student.school_id.in_(schools)).outerjoin(last, last.c.student_id == Student.id)
    for kind in missed:
        stmt = stmt.outerjoin(kind, kind.c.student_id == Student.id)
    return stmt
