"""Staff notification centre and "my work"."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
