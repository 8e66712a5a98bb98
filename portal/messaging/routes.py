"""Staff pages: compose a campaign, review and confirm it, follow its send report."""

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from portal.auth.models import Role, User
from portal.core.errors import DomainError
from portal.core.navigation import add_nav_item
from portal.core.params import query_int
from portal.core.permissions import staff_required
from portal.core.time import to_utc
from portal.extensions import db
from portal.messaging import bp, campaigns, queries
from portal.messaging.audience import (
    criteria_as_form_data,
    fill_choices,
    saved_segments,
    saved_templates,
    template_as_form_data,
)
from portal.messaging.forms import (
    AudienceForm,
    CampaignForm,
    SendForm,
    ShareForm,
    add_language_fields,
)
from portal.messaging.models import MessageTemplate, Segment
from portal.messaging.segments import count_recipients, resolve_recipients
from portal.people.models import School

add_nav_item("messaging.campaign_list", _l("Messages"), roles=Role.STAFF, order=40)


def _school() -> School:
    if current_user.school_id is None:
        abort(403)
    return db.session.get(School, current_user.school_id)


def _campaign_form(data=None):
    languages = current_app.config["PORTAL_LANGUAGES"]
    form = add_language_fields(CampaignForm, languages)(data=data)
    fill_choices(form, user=current_user, languages=languages)
    return form, languages


@bp.get("/")
@staff_required
def campaign_list():
    return render_template("messaging/campaigns.html",
                           campaigns=queries.campaigns_for(current_user))


@bp.route("/campaigns/new", methods=["GET", "POST"])
@staff_required
def new_campaign():
    school = _school()
    form, languages = _campaign_form(_starting_point(school))
    if form.validate_on_submit():
        variants = {code: (form[f"subject_{code}"].data, form[f"body_{code}"].data)
                    for code in languages if form[f"body_{code}"].data}
        default = school.default_language
        if default not in variants or not form[f"subject_{default}"].data:
            form[f"body_{default}"].errors.append(
                _("Write the subject and message in the school's default language."))
        else:
            try:
                return _create(form, school, variants)
            except campaigns.TemplateNotUsable as problem:
                db.session.rollback()
                form[problem.field].errors.append(problem.message)
    return render_template("messaging/campaign_new.html", form=form, languages=languages,
                           segments=saved_segments(current_user),
                           templates=saved_templates(current_user))


def _starting_point(school: School) -> dict:
    """Prefill from a saved audience and/or an earlier message of this school."""
    data = {}
    segment = db.session.get(Segment, query_int("segment_id", 0))
    if segment is not None and segment.school_id == school.id:
        data.update(criteria_as_form_data(segment.criteria))
    template = db.session.get(MessageTemplate, query_int("template_id", 0))
    if template is not None and template.school_id == school.id:
        data.update(template_as_form_data(template))
    return data or None


def _create(form, school: School, variants: dict):
    scheduled = to_utc(form.scheduled_at.data, school.timezone) if form.scheduled_at.data else None
    criteria = form.criteria()
    segment_id = None
    if form.segment_name.data:
        segment_id = campaigns.save_segment(school=school, author=current_user,
                                            name=form.segment_name.data, criteria=criteria).id
    campaign = campaigns.create_campaign(
        sender=current_user, school=school, title=form.title.data, kind=form.kind.data,
        criteria=criteria, variants=variants, scheduled_at=scheduled, segment_id=segment_id)
    db.session.commit()
    return redirect(url_for("messaging.review_campaign", campaign_id=campaign.id))


@bp.get("/audience/count")
@staff_required
def audience_count():
    form = AudienceForm(formdata=request.args, meta={"csrf": False})  # a read-only GET
    fill_choices(form, user=current_user, languages=current_app.config["PORTAL_LANGUAGES"])
    if not form.validate():
        return jsonify({"errors": form.errors}), 400
    return jsonify(count_recipients(criteria=form.criteria(), school_id=_school().id,
                                    sender=current_user))


@bp.get("/campaigns/<int:campaign_id>/review")
@staff_required
def review_campaign(campaign_id: int):
    campaign = queries.get_campaign_or_404(current_user, campaign_id)
    school = db.session.get(School, campaign.school_id)
    recipients = resolve_recipients(criteria=campaign.criteria, school_id=school.id,
                                    sender=current_user)
    chosen = query_int("guardian_id")
    shown = next((r for r in recipients if r.guardian.id == chosen),
                 recipients[0] if recipients else None)
    preview = campaigns.render_for(campaign, shown, school) if shown else None
    return render_template(
        "messaging/campaign_review.html", campaign=campaign, recipients=recipients, shown=shown,
        preview=preview, form=SendForm(),
        must_confirm=campaigns.needs_confirmation(campaign.criteria, len(recipients)))


@bp.post("/campaigns/<int:campaign_id>/send")
@staff_required
def send_campaign(campaign_id: int):
    campaign = queries.get_campaign_or_404(current_user, campaign_id)
    form = SendForm()
    confirmed = request.form.get("confirm_count", type=int) if form.confirm.data else None
    try:
        count = campaigns.send_campaign(campaign=campaign, sender=current_user,
                                        confirmed_count=confirmed)
    except DomainError as problem:
        db.session.rollback()
        flash(problem.message, "error")
        return redirect(url_for("messaging.review_campaign", campaign_id=campaign.id))
    db.session.commit()
    flash(_("Queued for %(num)d guardians.", num=count), "success")
    return redirect(url_for("messaging.campaign_report", campaign_id=campaign.id))


@bp.get("/campaigns/<int:campaign_id>")
@staff_required
def campaign_report(campaign_id: int):
    campaign = queries.get_campaign_or_404(current_user, campaign_id)
    share = ShareForm(colleagues=campaign.shared_with)
    share.colleagues.choices = _colleagues()
    return render_template("messaging/campaign_report.html", campaign=campaign,
                           progress=queries.campaign_progress(campaign),
                           failures=queries.failed_deliveries(campaign), share=share,
                           is_sender=campaign.created_by_id == current_user.id)


@bp.get("/campaigns/<int:campaign_id>/status")
@staff_required
def campaign_status(campaign_id: int):
    campaign = queries.get_campaign_or_404(current_user, campaign_id)
    return jsonify(queries.campaign_progress(campaign))


def _colleagues() -> list[tuple[int, str]]:
    return [tuple(row) for row in db.session.execute(
        select(User.id, User.full_name).where(User.school_id == current_user.school_id,
                                              User.role.in_(Role.STAFF), User.id != current_user.id)
        .order_by(User.full_name))]


@bp.post("/campaigns/<int:campaign_id>/share")
@staff_required
def share_campaign(campaign_id: int):
    campaign = queries.get_campaign_or_404(current_user, campaign_id)
    if campaign.created_by_id != current_user.id:
        abort(403)
    form = ShareForm()
    form.colleagues.choices = _colleagues()
    if form.validate_on_submit():
        campaigns.share_campaign(campaign=campaign, colleague_ids=form.colleagues.data)
        db.session.commit()
        flash(_("The report is shared."), "success")
    return redirect(url_for("messaging.campaign_report", campaign_id=campaign.id))
