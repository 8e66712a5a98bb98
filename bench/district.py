"""District benchmark: a fresh database, the generated district and the risk recompute."""

import hashlib
import json
import time
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, func, insert, literal, select, text
from sqlalchemy.engine import make_url

from bench.floor import full_floor, narrow_floor
from config import DefaultConfig
from portal import create_app
from portal.core.models import Visibility
from portal.core.planner import refresh_statistics
from portal.core.time import set_clock, to_utc, today_in
from portal.demo.district import generate_district
from portal.demo.names import SCHOOL_TIMEZONE
from portal.extensions import db
from portal.outcomes.models import Intervention, InterventionStatus
from portal.people.models import AcademicTerm
from portal.risk.models import RiskAssessment
from portal.risk.services import recompute_all


def admin_engine(url):
    """Return an engine on the server's `postgres` database, for creating and dropping."""
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def fresh_database(url: str, template: str | None = None) -> str:
    """Empty (or create) the benchmark's database and migrate it; return its SQLAlchemy URL.

    With a template (PostgreSQL), the database starts as a copy of it: a district kept
    from an earlier run, migrated to the current head.
    """
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        admin = admin_engine(url)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
            copy = f' TEMPLATE "{template}"' if template else ""
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"{copy}'))
        admin.dispose()
    elif parsed.database:
        from pathlib import Path
        Path(parsed.database).unlink(missing_ok=True)
    app = make_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def generator_version() -> str:
    """A digest of the district generator's code (portal/demo): a district kept by another
    generator is not the one this code would make."""
    digest = hashlib.sha256()
    for path in sorted((Path(__file__).resolve().parent.parent / "portal" / "demo").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def kept_district(url: str, students: int, today) -> tuple[str, dict] | None:
    """Return (template, load summary) of a district of this size kept today by this
    generator, if any."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return None
    name = f"{parsed.database}_{students}_kept"
    admin = admin_engine(url)
    with admin.connect() as connection:
        comment = connection.scalar(text(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = :name"), {"name": name})
    admin.dispose()
    summary = json.loads(comment) if comment else None
    if not summary or summary.get("day") != today.isoformat() \
            or summary.get("generator") != generator_version():
        return None
    return name, summary


def keep_district(url: str, students: int, summary: dict) -> None:
    """Copy the freshly loaded district to a template database, for the next run today."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    name = f"{parsed.database}_{students}_kept"
    admin = admin_engine(url)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"'))
        connection.execute(text(f'COMMENT ON DATABASE "{name}" IS '
                                f"'{json.dumps(summary)}'"))
    admin.dispose()


def make_app(url: str):
    """Return the portal on the benchmark's database (production-like: no debug)."""
    config = type("Bench", (DefaultConfig,), {"SQLALCHEMY_DATABASE_URI": url,
                                              "SECRET_KEY": "bench-" + "x" * 40})
    return create_app(config)


def load_district(students: int) -> dict:
    """Generate the district, commit, ANALYZE; return its counts and the seconds taken."""
    started = time.perf_counter()
    today = today_in(SCHOOL_TIMEZONE)
    summary = generate_district(students=students, today=today,
                                progress=lambda line: print(f"  {line}", flush=True))
    db.session.commit()
    refresh_statistics(vacuum=True)
    return {"seconds": round(time.perf_counter() - started, 1), "schools": summary.schools,
            "guardians": summary.guardians, "attendance_rows": summary.attendance_rows,
            "grades": summary.grades, "day": today.isoformat(),
            "generator": generator_version()}


# The earlier evenings assessed before the measured recompute, in days before it: nine and
# four weeks, and the evening before, so the measured one is an ordinary night's.
HISTORY_DAYS = (63, 28, 1)
# Counsellors answer one new flag in ANSWERED_EVERY with an intervention, ANSWERED_AFTER
# days after it (the evening before the measured one is left unanswered: no time yet).
ANSWERED_EVERY = 3
ANSWERED_AFTER = timedelta(days=3)


def record_history(days_before: tuple[int, ...] = HISTORY_DAYS) -> dict:
    """Assess the whole district on earlier evenings, the clock set to each, as its nightly
    job would have: flags then begin at different times, as in a district in its year, and
    some are more than two weeks old (the dashboard's follow-up reads their contacts).
    Return the day they precede, the nights and the seconds taken (not part of the
    recompute's measurement)."""
    today = today_in(SCHOOL_TIMEZONE)
    started = time.perf_counter()
    nights = [today - timedelta(days=count) for count in sorted(days_before, reverse=True)]
    interventions = 0
    for night in nights:
        evening = to_utc(datetime.combine(night, clock_time(18)), SCHOOL_TIMEZONE)
        set_clock(evening)
        try:
            recompute_all(today=night)
        finally:
            set_clock(None)
        if night + ANSWERED_AFTER < today:
            interventions += answer_flags(evening, night + ANSWERED_AFTER)
    db.session.commit()
    return {"day": today.isoformat(), "nights": [night.isoformat() for night in nights],
            "interventions": interventions, "seconds": round(time.perf_counter() - started, 1)}


def answer_flags(evening: datetime, opened_on) -> int:
    """Open an intervention for every ANSWERED_EVERY-th student newly flagged by an
    evening's assessments (in student order; written at that moment, the clock set to it),
    linked to the flag, as a counsellor answering it would: the
    intervention analysis then has students helped and students flagged alike who were
    not, and the dashboard's follow-up has flags acted on. Return how many were opened."""
    flagged = (select(RiskAssessment.id, RiskAssessment.student_id,
                      func.row_number().over(order_by=RiskAssessment.student_id).label("rank"))
               .where(RiskAssessment.computed_at == evening, RiskAssessment.is_new_flag.is_(True),
                      RiskAssessment.level != "none")
               .subquery())
    answered = select(flagged.c.student_id, flagged.c.id, literal("attendance"),
                      literal("Newly flagged at risk"), literal("Attend every day this month"),
                      literal(InterventionStatus.OPEN), literal(opened_on),
                      literal(Visibility.STAFF), literal(evening), literal(evening)) \
        .where(flagged.c.rank % ANSWERED_EVERY == 1)
    opened = db.session.scalars(insert(Intervention).from_select(
        ["student_id", "risk_assessment_id", "kind", "reason", "goal", "status", "opened_on",
         "visibility", "created_at", "updated_at"], answered).returning(Intervention.id))
    return len(opened.all())


def measure_risk() -> dict:
    """Time the full risk recompute against raw SQL over the same rows (bench/floor.py).

    `floor_seconds` (and `ratio`) is the floor first measured against: attendance and course
    averages only, four of the indicators. `full_floor_seconds` (and `full_ratio`) is one
    statement computing every indicator the engine scores.
    """
    today = today_in(SCHOOL_TIMEZONE)
    term_start = db.session.scalar(select(func.min(AcademicTerm.starts_on)))
    connection = db.session.connection()
    started = time.perf_counter()
    rows = narrow_floor(connection, today, term_start)
    floor = time.perf_counter() - started
    started = time.perf_counter()
    full_floor(connection, today)
    full = time.perf_counter() - started
    db.session.commit()
    parts = {}
    started = time.perf_counter()
    assessed = recompute_all(today=today, timings=parts)
    seconds = time.perf_counter() - started
    # Where the recompute's time goes: the indicator queries (and the Python that folds their
    # rows), scoring, writing the assessments (with the previous levels and the commits).
    breakdown = {part: round(value, 2) for part, value in parts.items()}
    breakdown["other"] = round(seconds - sum(parts.values()), 2)
    return {"students": assessed, "floor_rows": len(rows), "seconds": round(seconds, 2),
            "floor_seconds": round(floor, 3), "ratio": round(seconds / floor, 1),
            "full_floor_seconds": round(full, 3), "full_ratio": round(seconds / full, 1),
            "breakdown_seconds": breakdown}
