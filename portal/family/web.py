"""Helpers shared by the family routes."""

from collections.abc import Callable
from typing import TypeVar

from flask import abort
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.core.errors import DomainError
from portal.core.permissions import guardian_for
from portal.extensions import db
from portal.people.models import Guardian
from portal.people.saving import attach_error

T = TypeVar("T")


def my_guardian() -> Guardian:
    """Return the signed-in guardian's record (404 for an account without one)."""
    guardian = guardian_for(current_user)
    if guardian is None:
        abort(404)
    return guardian


def save_or_show_error(form: FlaskForm, action: Callable[[], T]) -> T | None:
    """Run a service call and commit; on a refusal roll back and show why on the form (next
    to the field it names, else above the form's fields) and return None."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return None
    db.session.commit()
    return result
