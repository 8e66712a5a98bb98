"""/healthz: is the portal up and can it reach its database."""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import csrf, db, limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
@csrf.exempt
def healthz():
    """Answer {"status": "ok", "database": "ok"}, or 503 with the reason."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0][:300]
        return jsonify({"status": "error", "database": "unreachable", "reason": reason}), 503
    return jsonify({"status": "ok", "database": "ok"})
