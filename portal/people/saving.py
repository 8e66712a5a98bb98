"""Run a form's use case in one transaction, and show a refusal next to the field it names."""

from collections.abc import Callable

from flask import flash

from portal.core.errors import DomainError
from portal.extensions import db


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
