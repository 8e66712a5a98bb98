"""Run a form's use case in one transaction, and show a refusal next to the field it names."""

from collections.abc import Callable

from flask import flash

from portal.core.errors import DomainError
from portal.extensions import db
from portal.people.changes import EditedMeanwhile, version_of


def attach_error(form, error: DomainError) -> None:
    """Show a service's refusal next to the field it names (or at the top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)


def save_or_refuse(form, save: Callable, success: str) -> DomainError | None:
    """Run save() and commit with a success note; on a refusal roll back, show and return it."""
    try:
        save()
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return error
    db.session.commit()
    flash(success, "success")
    return None


def save_edit(form, save: Callable, success: str, *, record, fields: tuple[str, ...],
              refill: Callable, invalid: int = 400) -> tuple[object, int | None]:
    """Show, or validate and save, an edit form carrying the record's version (`seen`):
    return the form to show and its status, or the status None once saved. Shown, the form
    carries the record's version as it is; an edit refused because the record changed
    meanwhile shows the form filled in anew by refill(), from the record as it is now, with
    its new version, saying why. A form that does not validate is shown with `invalid`."""
    if not form.is_submitted():
        form.seen.data = version_of(record, fields)
        return form, 200
    if not form.validate():
        return form, invalid
    refused = save_or_refuse(form, save, success)
    if refused is None:
        return form, None
    if isinstance(refused, EditedMeanwhile):
        form = refill()
        form.seen.data = version_of(record, fields)
        form.form_errors.append(refused.message)
    return form, refused.status
