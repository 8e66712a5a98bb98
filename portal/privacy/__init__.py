"""Data protection: consents on the family's record, subject-access export, erasure,
retention, deactivation, and finding and merging duplicate people."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/privacy")
