"""Plotly figures and dashboard pages (queries only, no models)."""

from flask import Blueprint

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")

