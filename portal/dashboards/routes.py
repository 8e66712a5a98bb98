"""Dashboard pages, and the plotly.min.js of the installed plotly package."""

from flask import abort, current_app, jsonify, render_template, request, send_file
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.models import Role
from portal.core.extension_points import add_profile_panel
from portal.core.fields import HIGHEST_GRADE, LOWEST_GRADE
from portal.core.navigation import add_nav_item
from portal.core.params import query_int
from portal.core.permissions import chosen_school_id, roles_required, visible_schools
from portal.core.time import today_in
from portal.dashboards import pages, queries
from portal.dashboards.impact_queries import OUTCOMES
from portal.dashboards.plotly_assets import PLOTLY_JS, guarded_style_ids
from portal.dashboards.plotly_locale import plotly_locale
from portal.extensions import limiter
from portal.people.queries import reference_school

DASHBOARD_ROLES = (Role.ADMINISTRATOR, Role.COUNSELLOR)

from portal.dashboards import bp  # noqa: E402

add_nav_item("dashboards.overview", _l("Dashboards"), roles=DASHBOARD_ROLES, order=55)
add_profile_panel("risk", "dashboards/_profile_panel.html", pages.profile_panel_context,
                  order=20)


@bp.get("/plotly.min.js")
@limiter.exempt
def plotly_js():
    """Serve Plotly from the installed package (no CDN), cached for a long time."""
    return send_file(PLOTLY_JS, mimetype="text/javascript",
                     max_age=current_app.config["PLOTLY_JS_MAX_AGE"])


@bp.get("/plotly-locale/<language>.json")
@limiter.exempt
def plotly_locale_json(language: str):
    """Serve Plotly's month names and number separators for a portal language (fr, zh-Hans)."""
    code = language.replace("-", "_")
    if code not in current_app.config["PORTAL_LANGUAGES"]:
        abort(404)
    response = jsonify(plotly_locale(code))
    response.cache_control.max_age = current_app.config["PLOTLY_JS_MAX_AGE"]
    return response


@bp.app_template_global()
def plotly_placeholder_ids() -> str:
    """Return the ids charts.js takes before loading Plotly (see plotly_assets), space-separated."""
    return " ".join(guarded_style_ids())


def _filters() -> tuple[dict, dict]:
    """Read the school, grade-level and section filters; a school or section the user cannot
    see is a 404."""
    school_id = chosen_school_id(current_user)
    filters = {"school_id": school_id, "grade_level": query_int("grade_level", minimum=LOWEST_GRADE,
                                                                   maximum=HIGHEST_GRADE),
               "section_id": query_int("section_id")}
    choices = queries.filter_choices(current_user, school_id, filters["section_id"])
    if filters["section_id"] and filters["section_id"] not in dict(choices["sections"]):
        abort(404)
    return filters, choices


def _today(school_id: int | None):
    school = reference_school(current_user, school_id)
    return today_in(school.timezone if school else "UTC")


@bp.get("/")
@roles_required(*DASHBOARD_ROLES)
def overview():
    filters, choices = _filters()
    page = query_int("page", 1, minimum=1)
    return render_template("dashboards/overview.html", filters=filters, choices=choices,
                           **pages.overview(current_user, filters, page))


@bp.get("/students")
@roles_required(*DASHBOARD_ROLES)
def students():
    filters, _ = _filters()
    listed = pages.students_behind(current_user, filters)  # 400 naming a bad parameter
    return render_template("dashboards/students.html", listed=listed,
                           chart=request.args["chart"], args=request.args)


@bp.get("/programs")
@roles_required(*DASHBOARD_ROLES)
def programs():
    school_id = chosen_school_id(current_user)
    listed = pages.programs(current_user, school_id)
    program_id = query_int("program_id")
    outcome = request.args.get("outcome", "attendance")
    program = next((p for p in listed if p.id == program_id), None)
    if (program_id and program is None) or outcome not in OUTCOMES:
        abort(404)
    result = pages.program_impact(current_user, program, outcome,
                                  _today(program.school_id)) if program else None
    schools = visible_schools(current_user)
    return render_template("dashboards/programs.html", programs=listed, program=program,
                           outcome=outcome, result=result, school_id=school_id,
                           schools=schools, school_names={s.id: s.name for s in schools},
                           scope=pages.scope_name(current_user,
                                                  program.school_id if program else school_id))


@bp.get("/interventions")
@roles_required(*DASHBOARD_ROLES)
def interventions():
    school_id = chosen_school_id(current_user)
    outcome = request.args.get("outcome", "attendance")
    if outcome not in OUTCOMES:
        abort(404)
    result = pages.intervention_effectiveness(current_user, outcome, _today(school_id), school_id)
    return render_template("dashboards/interventions.html", outcome=outcome, result=result,
                           school_id=school_id, schools=visible_schools(current_user),
                           scope=pages.scope_name(current_user, school_id))
