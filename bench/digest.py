"""Weekly message benchmark: the Friday alert and digest of a sample of the district's
families, queued as the job does (a commit every few hundred), and the time it would take for
every family at that rate."""

import time

from sqlalchemy import event

from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.digest import queue_weekly_messages, weekly_family_ids


def measure_weekly_digest(sample: int) -> dict:
    """Queue the weekly message of the first `sample` families, a batch at a time as the job
    does (whatever the day); project the district's run from its rate."""
    started = time.perf_counter()
    families = weekly_family_ids()
    read = time.perf_counter() - started
    statements = []
    counter = lambda *args: statements.append(1)  # noqa: E731 — a one-line listener
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        started = time.perf_counter()
        queued = queue_weekly_messages([guardian_id for guardian_id, _ in families[:sample]],
                                       utcnow(), checkpoint=db.session.commit)
        db.session.commit()
        seconds = time.perf_counter() - started
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    done = min(sample, len(families))
    per_family = seconds / max(done, 1)
    return {"families": len(families), "sampled": done, "queued": queued,
            "seconds": round(seconds, 2), "ms_per_family": round(1000 * per_family, 1),
            "queries_per_family": round(len(statements) / max(done, 1), 1),
            "families_read_seconds": round(read, 2),
            "projected_all_families_minutes": round((read + per_family * len(families)) / 60,
                                                    1)}
