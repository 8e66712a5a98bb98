"""Administrators' privacy pages: a person's status, links and consents, deactivation and
reactivation (of a person or one of their links), erasure, likely duplicates and their merge."""

import io
from functools import partial

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.models import Role
from portal.core.errors import DomainError
from portal.core.navigation import add_nav_item
from portal.core.permissions import (
    administrator_required,
    can_manage_school,
    chosen_school_id,
    visible_school_ids,
)
from portal.core.signals import record_changed
from portal.extensions import db
from portal.people.models import Guardian, Student, StudentGuardian
from portal.privacy import bp, queries, services
from portal.privacy.export import person_zip
from portal.privacy.forms import (
    DeactivateForm,
    EndLinkForm,
    EraseForm,
    MergeForm,
    ReactivateForm,
)
from portal.privacy.merge import merge_people

add_nav_item("privacy.duplicates", _l("Duplicates"), roles=(Role.ADMINISTRATOR,), order=96)
KINDS = {"students": Student, "guardians": Guardian}


def _person_or_404(kind: str, person_id: int):
    model = KINDS.get(kind)
    person = db.session.get(model, person_id) if model else None
    if person is None or not can_manage_school(current_user, person.school_id):
        abort(404)
    return person


def _link_or_404(kind: str, person, link_id: int) -> StudentGuardian:
    link = db.session.get(StudentGuardian, link_id)
    owner = link and (link.student_id if kind == "students" else link.guardian_id)
    if owner != person.id:
        abort(404)
    return link


def _link_form(link: StudentGuardian, failed: tuple | None = None):
    """Return the form a link shows (end it while active, restore it once ended), its
    fields with ids of their own on a page of several links."""
    if failed is not None and failed[0] == link.id:
        form = failed[1]
    else:
        form = (EndLinkForm if link.is_active else ReactivateForm)(formdata=None)
    for item in (form.reason, form.inactive_since) if link.is_active else ():
        item.id = item.label.field_id = f"link{link.id}-{item.name}"
    return form


def _page(kind: str, person, status: int = 200, **forms):
    consents = None
    if isinstance(person, Guardian):
        consents = queries.consents_with_recorders(person)
    links = person.guardian_links if kind == "students" else person.student_links
    links = [(link, link.guardian if kind == "students" else link.student,
              _link_form(link, forms.get("link"))) for link in links]
    return render_template("privacy/person.html", kind=kind, person=person, consents=consents,
                           links=links, reactivate_form=ReactivateForm(),
                           deactivate_form=forms.get("deactivate", DeactivateForm()),
                           erase_form=forms.get("erase", EraseForm())), status


def _done(kind: str, person_id: int, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(f"privacy.{kind}_record", person_id=person_id))


def record(kind: str, person_id: int):
    return _page(kind, _person_or_404(kind, person_id))


def deactivate(kind: str, person_id: int):
    found, form = _person_or_404(kind, person_id), DeactivateForm()
    if not form.validate_on_submit():
        return _page(kind, found, 400, deactivate=form)
    services.deactivate(record=found, actor=current_user, reason=form.reason.data,
                        on=form.inactive_since.data)
    return _done(kind, person_id, _("Deactivated: no longer in lists, audiences or messages."))


def reactivate(kind: str, person_id: int):
    found = _person_or_404(kind, person_id)
    if not ReactivateForm().validate_on_submit():
        abort(400)
    services.reactivate(record=found, actor=current_user)
    return _done(kind, person_id, _("Active again: back in lists, audiences and messages."))


def end_link(kind: str, person_id: int, link_id: int):
    found = _person_or_404(kind, person_id)
    link, form = _link_or_404(kind, found, link_id), EndLinkForm()
    if not form.validate_on_submit():
        return _page(kind, found, 400, link=(link.id, form))
    services.deactivate(record=link, actor=current_user, reason=form.reason.data,
                        on=form.inactive_since.data)
    return _done(kind, person_id, _("Link ended: it no longer carries information."))


def restore_link(kind: str, person_id: int, link_id: int):
    found = _person_or_404(kind, person_id)
    link = _link_or_404(kind, found, link_id)
    if not ReactivateForm().validate_on_submit():
        abort(400)
    services.reactivate(record=link, actor=current_user)
    return _done(kind, person_id, _("Link active again."))


def erase(kind: str, person_id: int):
    found, form = _person_or_404(kind, person_id), EraseForm()
    if not form.validate_on_submit() or form.confirm.data.strip() != "ERASE":
        form.confirm.errors = [*form.confirm.errors, _("Type ERASE to confirm.")]
        return _page(kind, found, 400, erase=form)
    services.erase_person(person=found, actor=current_user, reason=form.reason.data)
    return _done(kind, person_id, _("Erased: the record is anonymised everywhere."))


def export(kind: str, person_id: int):
    found = _person_or_404(kind, person_id)
    archive = person_zip(found)
    record_changed.send(current_user._get_current_object(), action="export",
                        object_type=kind[:-1], object_id=found.id, school_id=found.school_id,
                        student_id=found.id if kind == "students" else None)
    db.session.commit()
    return send_file(io.BytesIO(archive), mimetype="application/zip", as_attachment=True,
                     download_name=f"{kind[:-1]}-{found.id}-data.zip")


@bp.get("/duplicates")
@administrator_required
def duplicates():
    chosen = chosen_school_id(current_user)  # a district's administrator: one or every school
    school_ids = [chosen] if chosen else list(db.session.scalars(visible_school_ids(current_user)))
    return render_template(
        "privacy/duplicates.html", form=MergeForm(),
        students=[group for school_id in school_ids
                  for group in queries.duplicate_students(school_id)],
        guardians=[group for school_id in school_ids
                   for group in queries.duplicate_guardians(school_id)])


def merge(kind: str):
    form = MergeForm()
    if not form.validate_on_submit() or not (form.survivor_id.data.isdigit()
                                             and form.loser_id.data.isdigit()):
        raise DomainError(_("Choose which record to keep."))
    survivor = _person_or_404(kind, int(form.survivor_id.data))
    loser = _person_or_404(kind, int(form.loser_id.data))
    merge_people(survivor=survivor, loser=loser, actor=current_user)
    db.session.commit()
    flash(_("Merged: every record now belongs to the one kept."), "success")
    return redirect(url_for("privacy.duplicates"))


for _kind in KINDS:
    for _rule, _view, _methods in (("/<int:person_id>", record, ["GET"]),
                                   ("/<int:person_id>/deactivate", deactivate, ["POST"]),
                                   ("/<int:person_id>/reactivate", reactivate, ["POST"]),
                                   ("/<int:person_id>/links/<int:link_id>/end", end_link,
                                    ["POST"]),
                                   ("/<int:person_id>/links/<int:link_id>/restore",
                                    restore_link, ["POST"]),
                                   ("/<int:person_id>/erase", erase, ["POST"]),
                                   ("/<int:person_id>/export.zip", export, ["GET"]),
                                   ("/merge", merge, ["POST"])):
        bp.add_url_rule(f"/{_kind}{_rule}", f"{_kind}_{_view.__name__}", methods=_methods,
                        view_func=administrator_required(partial(_view, _kind)))
