"""Domain errors and the one handler that turns them into a page or JSON."""

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from portal.extensions import db


class DomainError(Exception):
    """A failure the user can understand and act on."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist, or this user may not see it."""

    status = 404


class Forbidden(DomainError):
    """The user may see the object but not do this to it."""

    status = 403


class Conflict(DomainError):
    """The action clashes with the current state (a slot already taken, a duplicate)."""

    status = 409


# Flask-WTF refuses a form with one of these English sentences; shown in the user's language.
CSRF_REASONS = {
    "The CSRF token is missing.": _l("The CSRF token is missing."),
    "The CSRF session token is missing.": _l("The CSRF session token is missing."),
    "The CSRF token has expired.": _l("The CSRF token has expired."),
    "The CSRF token is invalid.": _l("The CSRF token is invalid."),
    "The CSRF tokens do not match.": _l("The CSRF tokens do not match."),
    "The referrer header is missing.": _l("The referrer header is missing."),
    "The referrer does not match the host.": _l("The referrer does not match the host."),
}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _respond(status: int, title, message):
    """Undo what the failed request wrote, then render (the texts are lazy: the locale
    needs the signed-in user, which can only be loaded again after the rollback)."""
    db.session.rollback()
    title, message = str(title), str(message)
    if _wants_json():
        return jsonify({"error": title, "message": message}), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    """Render domain errors and HTTP errors as friendly pages (or JSON for API calls)."""

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return _respond(error.status, _l("That could not be done"), error.message)

    @app.errorhandler(400)
    def bad_request(error):
        return _respond(400, _l("Bad request"), getattr(error, "description", "") or "")

    @app.errorhandler(CSRFError)
    def form_refused(error: CSRFError):
        reason = CSRF_REASONS.get(error.description, _l("The form could not be checked."))
        return _respond(400, _l("Bad request"),
                        _l("%(reason)s Reload the page and send the form again.", reason=reason))

    @app.errorhandler(403)
    def forbidden(error):
        return _respond(403, _l("Not allowed"), _l("You do not have permission to do that."))

    @app.errorhandler(404)
    def not_found(error):
        return _respond(404, _l("Not found"), _l("There is nothing here, or you may not see it."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        return _respond(405, _l("Not allowed"), _l("That action is not available here."))

    @app.errorhandler(413)
    def too_large(error):
        megabytes = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
        return _respond(413, _l("Too large"),
                        _l("What you sent is larger than the %(megabytes)s MB this portal "
                           "accepts.", megabytes=megabytes))

    @app.errorhandler(429)
    def too_many_requests(error):
        return _respond(429, _l("Too many attempts"),
                        _l("Too many attempts. Please wait a few minutes and try again."))

    @app.errorhandler(500)
    def server_error(error):
        return _respond(500, _l("Something went wrong"),
                        _l("The error was recorded. Please try again."))
