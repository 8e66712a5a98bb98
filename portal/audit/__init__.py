"""Audit events: recorded by listening to core.signals."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")
