"""Grades, attendance, behaviour, programs and activities, interventions."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")
