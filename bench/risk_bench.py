"""Early-warning benchmark: recompute time for every student, and the overview's queries."""

import time

from flask import current_app
from sqlalchemy import func, select

from portal.auth.models import Role, User
from portal.extensions import db
from portal.people.models import School, Student


def _timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def _ensure_students(minimum: int = 300) -> None:
    if (db.session.scalar(select(func.count()).select_from(Student)) or 0) < minimum:
        from tests.dashboards.helpers import build_school  # a synthetic school of its own

        build_school(minimum)
        db.session.commit()


def run() -> dict:
    """Time a full risk recompute and the school overview's figures (inside an app context)."""
    from portal.dashboards.pages import overview
    from portal.risk.services import recompute_all

    _ensure_students()
    students = db.session.scalar(select(func.count()).select_from(Student)
                                 .where(Student.is_active.is_(True)))
    seconds, _ = _timed(recompute_all)
    admin = db.session.scalar(select(User).where(User.role == Role.ADMINISTRATOR,
                                                 User.school_id.in_(select(School.id)))
                              .order_by(User.id).limit(1))
    with current_app.test_request_context():
        overview_seconds, _ = _timed(lambda: overview(admin, {"grade_level": None,
                                                              "section_id": None}))
    return {"recompute_students": students,
            "recompute_seconds": round(seconds, 3),
            "recompute_ms_per_student": round(1000 * seconds / max(students, 1), 2),
            "overview_figures_seconds": round(overview_seconds, 3)}


if __name__ == "__main__":
    import json
    import tempfile
    from pathlib import Path

    from flask_migrate import upgrade

    from config import TestConfig
    from portal import create_app

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app(type("Bench", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
        with app.app_context():
            upgrade()
            print(json.dumps(run(), indent=2))
