"""Communication history: calls, emails, meetings, notes, follow-ups."""

from flask import Blueprint

bp = Blueprint("interactions", __name__, url_prefix="/interactions")
