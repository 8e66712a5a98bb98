"""Staff pages: compose a campaign, review and confirm it, follow its send report."""

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from portal.auth.models import Role, User
from portal.core.errors import DomainError
from portal.core.navigation import add_nav_item
from portal.core.once import sent_once
from portal.core.params import query_int
from portal.core.permissions import (
    administrator_required,
    chosen_school_id,
    staff_required,
    visible_schools,
)
from portal.core.templating import number
from portal.core.time import to_utc, utcnow
from portal.extensions import db
from portal.messaging import bp, campaigns, lifecycle, queries
from portal.messaging.attempts import retry_deliveries
from portal.messaging.audience import (
    campaign_as_form_data,
    criteria_as_form_data,
    fill_choices,
    saved_segment_or_404,
    saved_segments,
    saved_templates,
    template_as_form_data,
)
from portal.messaging.forms import (
    AudienceForm,
    CampaignForm,
    RetryFailedForm,
    SendForm,
    ShareForm,
    add_language_fields,
)
from portal.messaging.models import Campaign, MessageTemplate, Segment
from portal.messaging.readability import measure_texts
from portal.messaging.segments import AudienceNotUsable, count_recipients
from portal.people.changes import EditedMeanwhile
from portal.people.models import School
from portal.people.queries import reference_school, school_languages
from portal.people.saving import attach_error

add_nav_item("messaging.campaign_list", _l("Messages"), roles=Role.STAFF, order=40)


def _school() -> School:
    """Return the school a new campaign is filed under: the sender's, or for a district's
    administrator the district's first (its audience may still span every school)."""
    school = reference_school(current_user)
    if school is None:
        abort(403)
    return school


def _campaign_form(school: School, data=None, **sent):
    languages = school_languages(school, current_app.config["PORTAL_LANGUAGES"])
    form = add_language_fields(CampaignForm, languages)(data=data, **sent)
    fill_choices(form, user=current_user, languages=current_app.config["PORTAL_LANGUAGES"])
    form.segment_id.choices = [(0, _("None: use the filters below"))] + [
        (segment.id, segment.name) for segment in saved_segments(current_user)]
    return form, languages


def _readability(texts: list[tuple[str, str]], school: School) -> list:
    return measure_texts(texts, grade_limit=school.reading_grade_limit,
                         word_limit=school.message_word_limit)


def _compose_page(form, languages, campaign=None):
    form.kind.choices = [(kind, label) for kind, label in form.kind.choices
                         if campaigns.may_send_kind(current_user, kind)]  # the rest: refused
    readability = _readability([(code, form[f"body_{code}"].data) for code in languages],
                               _school())
    return render_template("messaging/campaign_new.html", form=form, languages=languages,
                           campaign=campaign, templates=saved_templates(current_user),
                           readability=readability)


@bp.get("/")
@staff_required
def campaign_list():
    school_id = chosen_school_id(current_user)  # another district's school: 404
    schools = visible_schools(current_user)
    found = queries.campaigns_for(current_user, school_id)
    return render_template("messaging/campaigns.html", school_id=school_id, schools=schools,
                           campaigns=found, reach=queries.reach_labels(found, schools))


@bp.route("/campaigns/new", methods=["GET", "POST"])
@staff_required
@sent_once
def new_campaign():
    school = _school()
    form, languages = _campaign_form(school, _starting_point(school))
    if not _picking_school() and form.validate_on_submit():
        return _save(form, school, languages, lambda values: campaigns.create_campaign(
            sender=current_user, school=school, **values))
    return _compose_page(form, languages)


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_campaign(campaign_id: int):
    campaign = _changeable_campaign(campaign_id)
    lifecycle.check_editable(campaign)
    school = db.session.get(School, campaign.school_id)
    form, languages = _campaign_form(school, None if request.method == "POST"
                                     else campaign_as_form_data(campaign, school.timezone))
    if request.method == "GET":
        form.seen.data = lifecycle.campaign_version(campaign, school.timezone)
    if not _picking_school() and form.validate_on_submit():
        return _save(form, school, languages, lambda values: lifecycle.update_campaign(
            campaign=campaign, editor=current_user, seen=form.seen.data, **values),
            editing=campaign)
    return _compose_page(form, languages, campaign)


def _picking_school() -> bool:
    """True when a sender of several schools asked for one school's lists to pick from:
    the form comes back as typed, nothing saved (it works without JavaScript)."""
    return request.method == "POST" and "pick_school" in request.form


def _starting_point(school: School) -> dict:
    """Prefill from a saved audience and/or an earlier message of this school."""
    data = {}
    segment_id = query_int("segment_id", 0)
    if segment_id:  # another school's, or a district's audience past the user's schools: 404
        segment = saved_segment_or_404(current_user, segment_id)
        data.update(criteria_as_form_data(segment.criteria), segment_id=segment.id)
    template_id = query_int("template_id", 0)
    if template_id:
        template = db.session.get(MessageTemplate, template_id)
        if template is None or template.school_id != school.id or not queries.can_use_template(
                current_user, template):
            abort(404)
        data.update(template_as_form_data(template))
    return data or None


def _save(form, school: School, languages: dict, save, editing=None):
    """Save the composed campaign (new or edited) and go to its review. A refusal is shown
    next to the field it names, as on every edit page (attach_error), the composed text kept;
    an edit made on a form older than the campaign shows the campaign as it is now."""
    try:
        campaign = save(_composed(form, school, languages))
    except DomainError as problem:
        db.session.rollback()
        if isinstance(problem, EditedMeanwhile):
            form, languages = _campaign_form(
                school, campaign_as_form_data(editing, school.timezone), formdata=None)
            form.seen.data = lifecycle.campaign_version(editing, school.timezone)
        attach_error(form, problem)
        return _compose_page(form, languages, editing), problem.status
    db.session.commit()
    return redirect(url_for("messaging.review_campaign", campaign_id=campaign.id))


def _composed(form, school: School, languages: dict) -> dict:
    """The campaign's values from the form; its audience chosen (and saved, when named)."""
    criteria, segment = campaigns.choose_audience(
        school=school, sender=current_user, segment_id=form.segment_id.data,
        criteria=form.criteria())
    if segment is None and form.segment_name.data:
        segment = campaigns.save_segment(school=school, author=current_user,
                                         name=form.segment_name.data, criteria=criteria)
    return {"title": form.title.data, "kind": form.kind.data, "criteria": criteria,
            "segment_id": segment.id if segment else None,
            "scheduled_at": to_utc(form.scheduled_at.data, school.timezone)
            if form.scheduled_at.data else None,
            "variants": {code: (form[f"subject_{code}"].data, form[f"body_{code}"].data)
                         for code in languages}}


@bp.get("/audience/count")
@staff_required
def audience_count():
    form = AudienceForm(formdata=request.args, meta={"csrf": False})  # a read-only GET
    fill_choices(form, user=current_user, languages=current_app.config["PORTAL_LANGUAGES"])
    if not form.validate():
        return jsonify({"errors": form.errors}), 400
    try:  # the count follows the saved audience chosen, as the send will
        criteria, _segment = campaigns.choose_audience(
            school=_school(), sender=current_user, segment_id=query_int("segment_id"),
            criteria=form.criteria())
    except (campaigns.AudienceMismatch, AudienceNotUsable) as problem:
        return jsonify({"errors": {problem.field: [problem.message]}}), 400
    return jsonify(count_recipients(criteria=criteria, school_id=_school().id,
                                    sender=current_user))


@bp.get("/campaigns/<int:campaign_id>/review")
@staff_required
def review_campaign(campaign_id: int):
    campaign = queries.get_campaign_or_404(current_user, campaign_id)
    school = db.session.get(School, campaign.school_id)
    audience = campaigns.review_audience(campaign, current_user, query_int("guardian_id"))
    preview = campaigns.render_for(campaign, audience.shown, school) if audience.shown else None
    return render_template(
        "messaging/campaign_review.html", campaign=campaign, audience=audience,
        readability=_readability([(variant.language, variant.body)
                                  for variant in campaigns.variants_of(campaign)], school),
        preview=preview, form=SendForm(), segment=db.session.get(Segment, campaign.segment_id or 0),
        goes_at=campaigns.first_sending_time(campaign, school), now=utcnow(),
        can_change=queries.can_change_campaign(current_user, campaign),
        must_confirm=campaigns.needs_confirmation(campaign.criteria, audience.guardians))


@bp.post("/campaigns/<int:campaign_id>/send")
@staff_required
def send_campaign(campaign_id: int):
    campaign = queries.get_campaign_or_404(current_user, campaign_id)
    form = SendForm()
    confirmed = request.form.get("confirm_count", type=int) if form.confirm.data else None
    try:
        count = campaigns.send_campaign(campaign=campaign, sender=current_user,
                                        confirmed_count=confirmed)
    except campaigns.AlreadySent:
        db.session.rollback()
        raise  # a clear 409 page, not the review page with its Send button again
    except DomainError as problem:
        db.session.rollback()
        flash(problem.message, "error")
        return redirect(url_for("messaging.review_campaign", campaign_id=campaign.id))
    db.session.commit()
    flash(_("Queued for %(num)s guardians.", num=number(count)), "success")
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
                           next_send_at=queries.next_send_at(campaign), now=utcnow(),
                           stop=SendForm(),
                           can_change=queries.can_change_campaign(current_user, campaign),
                           is_sender=campaign.created_by_id == current_user.id,
                           retry_form=RetryFailedForm())


@bp.post("/campaigns/<int:campaign_id>/retry-failed")
@administrator_required
def retry_failed(campaign_id: int):
    campaign = queries.get_campaign_or_404(current_user, campaign_id)
    if not RetryFailedForm().validate_on_submit():
        abort(400)
    count = retry_deliveries(deliveries=queries.failed_deliveries(campaign), actor=current_user,
                             school_id=campaign.school_id)
    db.session.commit()
    flash(_("%(num)s failed deliveries are queued again.", num=number(count)), "success")
    return redirect(url_for("messaging.campaign_report", campaign_id=campaign.id))


def _changeable_campaign(campaign_id: int) -> Campaign:
    campaign = queries.get_campaign_or_404(current_user, campaign_id)
    if not queries.can_change_campaign(current_user, campaign):
        abort(403)
    return campaign


@bp.post("/campaigns/<int:campaign_id>/stop")
@staff_required
def stop_campaign(campaign_id: int):
    campaign = _changeable_campaign(campaign_id)
    if not SendForm().validate_on_submit():  # CSRF only
        abort(400)
    cancelled = lifecycle.stop_campaign(campaign=campaign, actor=current_user)
    db.session.commit()
    flash(ngettext("Stopped: %(count)s email will not be sent.",
                   "Stopped: %(count)s emails will not be sent.", cancelled,
                   count=number(cancelled)), "success")
    return redirect(url_for("messaging.campaign_report", campaign_id=campaign.id))


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
@sent_once
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
