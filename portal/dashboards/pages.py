"""What each dashboard page shows: figures, drill-down lists and impact estimates."""

from datetime import date

from flask import url_for
from sqlalchemy import select

from portal.auth.models import User
from portal.core.permissions import visible_school_ids
from portal.core.time import utcnow
from portal.dashboards import drilldown, figures, impact, impact_queries, queries
from portal.dashboards.flag_follow_up import flag_follow_up
from portal.people.models import Student
from portal.people.queries import current_term, school_of
from portal.risk.queries import flagged_since, flagged_students, latest_assessment, risk_history


def overview(user: User, filters: dict) -> dict:
    """Return the overview's figures (with drill-down links) and its flagged students."""
    scope = queries.scope(user, **filters)

    def link(**params) -> str:
        return url_for("dashboards.students", **{k: v for k, v in filters.items() if v}, **params)

    weeks = queries.attendance_by_week(scope)
    charts = {
        "attendance": figures.attendance_figure(weeks, link),
        "grades": figures.grades_figure(queries.grade_distribution(scope), link),
        "behaviour": figures.behaviour_figure(queries.behaviour_by_week(scope), link),
        "risk": figures.risk_levels_figure(queries.risk_levels_over_time(scope), link),
    }
    return {"charts": {key: figures.to_json(fig) for key, fig in charts.items()},
            "flagged": flagged_students(user, student_ids=scope),
            "follow_up": flag_follow_up(scope, utcnow())}


def students_behind(user: User, filters: dict, chart: str, args) -> list[tuple[Student, str]]:
    """Return the students behind one point of a chart (from the request's arguments)."""
    scope = queries.scope(user, **filters)
    if chart == "attendance":
        return drilldown.absent_in_week(scope, date.fromisoformat(args["week"]))
    if chart == "behaviour":
        return drilldown.incidents_in_week(scope, date.fromisoformat(args["week"]))
    if chart == "grades":
        return drilldown.graded_in_band(scope, args["period"], args["band"])
    return drilldown.at_level_on(scope, date.fromisoformat(args["day"]), args["level"])


def _school_year(user: User, today: date) -> tuple[date, date]:
    school = school_of(user)
    term = current_term(school.id, today) if school else None
    return (term.starts_on if term else date(today.year - 1, today.month, 1)), today


def program_impact(user: User, program, outcome: str, today: date) -> dict:
    """Compare participants' change with similar non-participants' (difference in differences)."""
    scope = queries.scope(user)
    since, until = _school_year(user, today)
    participants = impact_queries.participants_before_after(program, scope, outcome, since, until)
    cut = impact_queries.comparison_cut(program, scope)
    levels = select(Student.grade_level).where(Student.id.in_(list(participants) or [0]))
    similar = scope.where(Student.grade_level.in_(levels))  # same grade levels as participants
    comparison = (impact_queries.comparison_before_after(program, similar, outcome, cut, since,
                                                         until) if cut else {})
    return {"estimate": impact.difference_in_differences(impact.changes(participants),
                                                          impact.changes(comparison)),
            "cut": cut, "since": since}


def intervention_effectiveness(user: User, today: date) -> dict:
    """Return attendance and grades before versus after opening, by intervention kind."""
    scope = queries.scope(user)
    since, until = _school_year(user, today)
    return {outcome: impact.before_after_summary(
        impact_queries.interventions_before_after(scope, outcome, since, until))
        for outcome in impact_queries.OUTCOMES}


def programs(user: User) -> list:
    """Return the programs of the schools the user works in."""
    return impact_queries.programs_of(visible_school_ids(user))


def profile_panel_context(viewer: User, student: Student) -> dict | None:
    """Return the student's current risk and charts of attendance, grades and risk over time."""
    if not viewer.is_staff:
        return None
    own = select(Student.id).where(Student.id == student.id)
    charts = {
        "attendance": figures.attendance_figure(queries.attendance_by_week(own)),
        "grades": figures.student_grades_figure(queries.period_averages(student.id)),
        "risk": figures.student_risk_figure(risk_history(student)),
    }
    return {"assessment": latest_assessment(student), "student": student,
            "flagged_since": flagged_since(own).get(student.id),
            "charts": {key: figures.to_json(fig) for key, fig in charts.items()}}

