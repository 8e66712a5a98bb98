"""OneRoster and CSV import and export, demo data, data protection."""

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")
