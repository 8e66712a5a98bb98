"""Events, conferences and booking, RSVPs, check-in, iCalendar."""

from flask import Blueprint

bp = Blueprint("events", __name__, url_prefix="/events")
