"""Staff notification centre and "my work"; Web Push and the installable app for families."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
