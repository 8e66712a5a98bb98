"""Administrators' privacy pages: a person's status and consents, deactivation, erasure,
likely duplicates and their merge."""

import io
from functools import partial

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.models import Role
from portal.core.errors import DomainError
from portal.core.navigation import add_nav_item
from portal.core.permissions import administrator_required, can_manage_school
from portal.core.signals import record_changed
from portal.extensions import db
from portal.people.models import Guardian, Student
from portal.privacy import bp, queries, services
from portal.privacy.export import person_zip
from portal.privacy.forms import DeactivateForm, EraseForm, MergeForm
from portal.privacy.merge import merge_people

add_nav_item("privacy.duplicates", _l("Duplicates"), roles=(Role.ADMINISTRATOR,), order=96)
KINDS = {"students": Student, "guardians": Guardian}


def _person_or_404(kind: str, person_id: int):
    model = KINDS.get(kind)
    person = db.session.get(model, person_id) if model else None
    if person is None or not can_manage_school(current_user, person.school_id):
        abort(404)
    return person


def _page(kind: str, person, status: int = 200, **forms):
    consents = None
    if isinstance(person, Guardian):
        consents = queries.consents_with_recorders(person)
    return render_template("privacy/person.html", kind=kind, person=person, consents=consents,
                           deactivate_form=forms.get("deactivate", DeactivateForm()),
                           erase_form=forms.get("erase", EraseForm())), status


def record(kind: str, person_id: int):
    return _page(kind, _person_or_404(kind, person_id))


def deactivate(kind: str, person_id: int):
    found, form = _person_or_404(kind, person_id), DeactivateForm()
    if not form.validate_on_submit():
        return _page(kind, found, 400, deactivate=form)
    services.deactivate(record=found, actor=current_user, reason=form.reason.data,
                        on=form.inactive_since.data)
    db.session.commit()
    flash(_("Deactivated: no longer in lists, audiences or messages."), "success")
    return redirect(url_for(f"privacy.{kind}_record", person_id=person_id))


def erase(kind: str, person_id: int):
    found, form = _person_or_404(kind, person_id), EraseForm()
    if not form.validate_on_submit() or form.confirm.data.strip() != "ERASE":
        form.confirm.errors = [*form.confirm.errors, _("Type ERASE to confirm.")]
        return _page(kind, found, 400, erase=form)
    services.erase_person(person=found, actor=current_user, reason=form.reason.data)
    db.session.commit()
    flash(_("Erased: the record is anonymised everywhere."), "success")
    return redirect(url_for(f"privacy.{kind}_record", person_id=person_id))


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
    school_id = current_user.school_id or 0
    return render_template("privacy/duplicates.html", form=MergeForm(),
                           students=queries.duplicate_students(school_id),
                           guardians=queries.duplicate_guardians(school_id))


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
                                   ("/<int:person_id>/erase", erase, ["POST"]),
                                   ("/<int:person_id>/export.zip", export, ["GET"]),
                                   ("/merge", merge, ["POST"])):
        bp.add_url_rule(f"/{_kind}{_rule}", f"{_kind}_{_view.__name__}", methods=_methods,
                        view_func=administrator_required(partial(_view, _kind)))
