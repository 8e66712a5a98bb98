"""Risk pages: the school's rule settings, the new-flags list and its one-click actions."""

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.auth.models import Role
from portal.core.extension_points import add_home_tile
from portal.core.jobs import add_periodic_job
from portal.core.navigation import add_nav_item
from portal.core.once import sent_once
from portal.core.permissions import (
    administrator_required,
    chosen_school_id,
    get_record_or_404,
    get_student_or_404,
    roles_required,
    visible_schools,
)
from portal.extensions import db
from portal.people.changes import EditedMeanwhile
from portal.people.models import School
from portal.people.saving import save_or_refuse
from portal.risk import bp, labels, queries, services  # noqa: F401 — labels: template globals
from portal.risk.forms import InterventionForm, RuleSetForm
from portal.risk.models import RiskAssessment
from portal.risk.scoring import merged_settings

FOLLOW_UP_ROLES = (Role.COUNSELLOR, Role.ADMINISTRATOR)

add_nav_item("risk.flags", _l("Risk flags"), roles=FOLLOW_UP_ROLES, order=60)
add_nav_item("risk.settings", _l("Risk settings"), roles=(Role.ADMINISTRATOR,), order=90)
add_home_tile("risk-new-flags", lambda user: {
    "number": queries.new_flag_count(user), "label": _("new risk flags"),
    "url": url_for("risk.flags")}, roles=FOLLOW_UP_ROLES, order=20)
add_periodic_job("risk-nightly-recompute", services.recompute_all, every=timedelta(days=1))


@bp.get("/flags")
@roles_required(*FOLLOW_UP_ROLES)
def flags():
    flagged = queries.flagged_students(current_user, new_only=True)
    todos = queries.family_todos_of([student for _, student in flagged])
    # A flag waits here night after night until seen: say since when, not the last night.
    since = queries.flagged_since_of([student for _, student in flagged])
    return render_template("risk/flags.html", flagged=flagged, form=InterventionForm(),
                           todos=todos, since=since,
                           has_profile="students.profile" in current_app.view_functions)


@bp.post("/flags/<int:assessment_id>/acknowledge")
@roles_required(*FOLLOW_UP_ROLES)
def acknowledge(assessment_id: int):
    assessment = get_record_or_404(current_user, RiskAssessment, assessment_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.acknowledge_flag(assessment=assessment, actor=current_user)
    db.session.commit()
    flash(_("Flag marked as seen."), "success")
    return redirect(url_for("risk.flags"))


@bp.post("/flags/<int:assessment_id>/intervention")
@roles_required(*FOLLOW_UP_ROLES)
@sent_once
def open_intervention(assessment_id: int):
    assessment = get_record_or_404(current_user, RiskAssessment, assessment_id)
    student = get_student_or_404(current_user, assessment.student_id)
    form = InterventionForm()
    if not form.validate_on_submit():
        flash(_("Choose a kind of intervention."), "error")
        return redirect(url_for("risk.flags"))
    services.open_intervention(student=student, actor=current_user, assessment=assessment,
                               kind=form.kind.data,
                               goal=_("Bring the flagged indicators back above their thresholds"))
    db.session.commit()
    flash(_("Intervention opened for %(name)s.", name=student.display_name), "success")
    return redirect(url_for("risk.flags"))


@bp.route("/settings", methods=["GET", "POST"])
@administrator_required
def settings():
    school = _settings_school()
    if school is None:  # a district's administrator: each school has its own settings
        return render_template("risk/settings_schools.html",
                               schools=visible_schools(current_user))
    rule_set = services.current_rule_set(school)
    form, preview, status = RuleSetForm(), None, 200
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
    elif form.preview.data:  # count the levels, save nothing
        preview = services.preview_levels(school=school, settings=form.settings())
    else:
        refused = save_or_refuse(form, lambda: services.save_rule_set(
            school=school, settings=form.settings(), actor=current_user, seen=form.seen.data),
            _("Saved as version %(version)d; new assessments use it.",
              version=rule_set.version + 1))
        if refused is None:
            return redirect(url_for("risk.settings", school_id=chosen_school_id(current_user)))
        status = refused.status
        if isinstance(refused, EditedMeanwhile):  # shown as it is now, with why
            rule_set = services.current_rule_set(school)
            form = _filled(RuleSetForm(formdata=None), rule_set, refused.message)
    if not form.is_submitted():
        _filled(form, rule_set)
    db.session.commit()  # version 1 is created on first visit
    return render_template("risk/settings.html", form=form, rule_set=rule_set, preview=preview,
                           versions=queries.rule_set_versions(school.id), school=school), status


def _settings_school():
    """The school whose settings are shown: the administrator's own, or the one a
    district's administrator chose (?school_id=, of their district); None until chosen."""
    if current_user.school_id:
        return db.session.get(School, current_user.school_id)
    chosen = chosen_school_id(current_user)  # another district's school: 404
    return db.session.get(School, chosen) if chosen else None


def _filled(form: RuleSetForm, rule_set, why: str | None = None) -> RuleSetForm:
    """The settings form filled from a rule set, carrying its version (and why, if refused)."""
    form.fill(merged_settings(rule_set.settings))
    form.seen.data = str(rule_set.version)
    form.form_errors.extend([why] if why else [])
    return form
