"""OneRoster benchmark: export the district, import it into an empty database, import again."""

import tempfile
import time
from pathlib import Path

from portal.core.planner import refresh_statistics
from portal.extensions import db
from portal.imports.export import export_oneroster
from portal.imports.services import import_oneroster


def export_district(folder: Path) -> dict:
    """Write the district's roster as a OneRoster CSV set; return the row counts."""
    return export_oneroster(directory=folder)


def timed_import(folder: Path) -> float:
    """Import the set in one transaction, commit and ANALYZE, as the command does; seconds."""
    started = time.perf_counter()
    import_oneroster(path=folder)
    db.session.commit()
    refresh_statistics()
    return time.perf_counter() - started


def measure_import(source_app, make_target_app) -> dict:
    """Export from the district's app, then time an import and a re-import into a fresh one."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        with source_app.app_context():
            counts = export_district(folder)
        target = make_target_app()
        with target.app_context():
            first = timed_import(folder)
            again = timed_import(folder)
            db.engine.dispose()
    return {"seconds": round(first, 2), "reimport_seconds": round(again, 2),
            "rows": counts}
