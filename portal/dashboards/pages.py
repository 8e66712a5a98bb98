"""What each dashboard page shows: figures, drill-down lists and impact estimates."""

from datetime import date

from flask import url_for
from sqlalchemy import select

from portal.auth.models import Role, User
from portal.core.paging import check_page
from portal.core.params import query_date, required_param
from portal.core.permissions import visible_school_ids
from portal.core.time import utcnow
from portal.dashboards import (
    drilldown,
    figures,
    impact_estimate,
    impact_panel,
    impact_queries,
    queries,
)
from portal.dashboards.flag_follow_up import flag_follow_up
from portal.extensions import db
from portal.people.models import School, Student
from portal.people.queries import current_term, reference_school
from portal.risk.models import RiskLevel
from portal.risk.queries import (
    FLAGGED_PER_PAGE,
    family_todos_of,
    flagged_page,
    flagged_since,
    latest_risk,
    risk_history,
)


def overview(user: User, filters: dict, page: int = 1) -> dict:
    """Return the overview's figures (with drill-down links) and a page of flagged students
    (a page past the last is a 404)."""
    scope = queries.scope(user, **filters)

    def link(**params) -> str:
        return url_for("dashboards.students", **{k: v for k, v in filters.items() if v}, **params)

    kept = queries.whole_grades(user, scope, **filters)  # None: the students one by one
    charts = {
        "attendance": figures.attendance_figure(queries.attendance_by_week(scope, kept), link),
        "grades": figures.grades_figure(queries.grade_distribution(scope, kept), link),
        "behaviour": figures.behaviour_figure(queries.behaviour_by_week(scope), link),
        "risk": figures.risk_levels_figure(queries.risk_levels_over_time(scope, kept), link),
    }
    follow_up = flag_follow_up(scope, utcnow())  # counts the flagged: the page need not
    check_page(page, follow_up["flagged"], FLAGGED_PER_PAGE)
    flagged, flagged_total = flagged_page(user, student_ids=scope, page=page,
                                          total=follow_up["flagged"])
    return {"charts": charts,
            "flagged": flagged, "flagged_total": flagged_total, "page": page,
            "per_page": FLAGGED_PER_PAGE, "follow_up": follow_up}


BANDS = tuple(band[2] for band in queries.GRADE_BANDS)  # the grade chart's bars


def students_behind(user: User, filters: dict) -> list[tuple[Student, str]]:
    """Return the students behind one point of a chart (from the request's parameters; a
    400 naming one missing or wrong)."""
    chart = required_param("chart", drilldown.CHARTS)
    scope = queries.scope(user, **filters)
    if chart == "attendance":
        return drilldown.absent_in_week(scope, query_date("week", required=True))
    if chart == "behaviour":
        return drilldown.incidents_in_week(scope, query_date("week", required=True))
    if chart == "grades":
        return drilldown.graded_in_band(scope, required_param("period"),
                                        required_param("band", BANDS))
    return drilldown.at_level_on(scope, query_date("day", required=True),
                                 required_param("level", RiskLevel.ALL))


def _school_year(user: User, today: date,
                 school_id: int | None) -> tuple[date, date, int | None]:
    school = reference_school(user, school_id)
    term = current_term(school.id, today) if school else None
    since = term.starts_on if term else date(today.year - 1, today.month, 1)
    return since, today, term.id if term else None


def _impact_frame(outcome: str, since: date, until: date, term_id: int | None,
                  ids: list[int]) -> dict:
    """Gather the weekly panel of these students (in order) for one outcome, and their
    groups (first core section of the term); the students are looked up by id."""
    sections = impact_queries.first_core_sections(ids, term_id)
    return {"ids": ids,
            "clusters": [sections.get(student, f"student {student}") for student in ids],
            "panel": impact_panel.build_panel(
                ids, since, until, impact_queries.weekly_observations(ids, outcome, since, until),
                impact_queries.risk_scores(ids, until))}


def _shown(effect, outcome: str, design) -> dict:
    chart = figures.event_study_figure(effect.event, outcome)
    return {"effect": effect, "shown": impact_estimate.displayed(effect),
            "chart": chart, "design": design}


def program_impact(user: User, program, outcome: str, today: date) -> dict:
    """Compare participants' change with matched students' of the program's school over the
    same weeks (the same figure for everyone who sees the program: docs/impact.md)."""
    scope = queries.scope(user, school_id=program.school_id)
    since, until, term_id = _school_year(user, today, program.school_id)
    students = impact_queries.students_in(scope)  # a program's comparison may be anyone
    frame = _impact_frame(outcome, since, until, term_id, [student for student, _ in students])
    design = impact_estimate.DESIGNS[outcome]
    treated = impact_panel.program_participants(
        frame["ids"], [level for _, level in students], frame["clusters"],
        impact_queries.program_starts(program, scope), since)
    effect = impact_estimate.estimate_effect(frame["panel"], treated, design)
    return {**_shown(effect, outcome, design), "since": since}


def intervention_effectiveness(user: User, outcome: str, today: date,
                               school_id: int | None = None) -> dict:
    """Compare helped flagged students' change with students flagged alike and not helped;
    the panel holds only them (nobody else can be compared)."""
    scope = queries.scope(user, school_id=school_id)
    since, until, term_id = _school_year(user, today, school_id)
    design = impact_estimate.DESIGNS[outcome]
    helped, excluded = impact_panel.helped_after_flags(
        impact_queries.first_interventions(scope, since, today),
        impact_queries.new_flags(scope, since, today), since, design.post_weeks,
        impact_queries.flag_reasons)
    frame = _impact_frame(outcome, since, until, term_id, impact_panel.panel_students(helped))
    treated = impact_panel.intervention_participants(frame["ids"], frame["clusters"], helped)
    effect = impact_estimate.estimate_effect(frame["panel"], treated, design,
                                             excluded=excluded)
    return {**_shown(effect, outcome, design), "since": since}


def scope_name(user: User, school_id: int | None = None) -> str:
    """Name whose students a dashboard covers: the district, a whole school or the caseload."""
    if user.role != Role.ADMINISTRATOR:
        return "caseload"
    return "district" if user.is_district_administrator and school_id is None else "school"


def programs(user: User, school_id: int | None = None) -> list:
    """Return the programs of the schools the user works in (or of the one chosen)."""
    schools = visible_school_ids(user)
    if school_id is not None:
        schools = schools.where(School.id == school_id)
    return impact_queries.programs_of(schools)


def profile_panel_context(viewer: User, student: Student) -> dict | None:
    """Return the student's current risk and charts of attendance, grades and risk over time."""
    if not viewer.is_staff:
        return None
    own = select(Student.id).where(Student.id == student.id)
    charts = {
        "attendance": figures.attendance_figure(queries.attendance_by_week(own)),
        "grades": figures.student_grades_figure(queries.period_averages(student.id)),
        "risk": figures.student_risk_figure(
            risk_history(student), db.session.get(School, student.school_id).timezone),
    }
    return {"assessment": latest_risk(student), "student": student,
            "flagged_since": flagged_since(own).get(student.id),
            "todos": family_todos_of([student]).get(student.id, []),
            "charts": charts}

