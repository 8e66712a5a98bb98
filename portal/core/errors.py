"""Domain errors and the one handler that turns them into a page or JSON."""

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _


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


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _respond(status: int, title: str, message: str):
    if _wants_json():
        return jsonify({"error": title, "message": message}), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    """Render domain errors and HTTP errors as friendly pages (or JSON for API calls)."""

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return _respond(error.status, _("That could not be done"), error.message)

    @app.errorhandler(400)
    def bad_request(error):
        return _respond(400, _("Bad request"), getattr(error, "description", "") or "")

    @app.errorhandler(403)
    def forbidden(error):
        return _respond(403, _("Not allowed"), _("You do not have permission to do that."))

    @app.errorhandler(404)
    def not_found(error):
        return _respond(404, _("Not found"), _("There is nothing here, or you may not see it."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        return _respond(405, _("Not allowed"), _("That action is not available here."))

    @app.errorhandler(429)
    def too_many_requests(error):
        return _respond(429, _("Too many attempts"),
                        _("Too many attempts. Please wait a few minutes and try again."))

    @app.errorhandler(500)
    def server_error(error):
        return _respond(500, _("Something went wrong"),
                        _("The error was recorded. Please try again."))
