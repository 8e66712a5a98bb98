"""Early warning: indicators, scoring and reasons."""

from flask import Blueprint

bp = Blueprint("risk", __name__, url_prefix="/risk")
