"""Targeted updates: segments, templates, campaigns, the outbox and its delivery worker."""

from flask import Blueprint

bp = Blueprint("messaging", __name__, url_prefix="/messaging")
