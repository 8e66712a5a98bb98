"""`make bench`: measure the portal on generated districts; write bench/results.json and .md.

Usage: python -m bench.run [--sizes 5000 50000] [--database-url URL] [--output PATH] [--keep]
The benchmark runs on the PostgreSQL server of DATABASE_URL (default the local one) in a
database of its own, `portal_bench` (BENCH_DATABASE_URL names another), which it drops
and recreates for every size; a second one (`portal_bench_import`) takes the OneRoster
import. It never touches the database DATABASE_URL names.
"""

import argparse
import json
import os
import platform
import time
from pathlib import Path

from bench.delivery import measure_campaign
from bench.digest import measure_weekly_digest
from bench.district import (
    fresh_database,
    keep_district,
    kept_district,
    load_district,
    make_app,
    record_history,
)
from bench.pages import measure_pages
from bench.recompute import measure_risk_apart
from bench.report import write_table
from bench.retention import measure_retention
from bench.roster import measure_import
from portal.core.planner import refresh_statistics
from portal.core.time import today_in
from portal.demo.names import SCHOOL_TIMEZONE
from portal.extensions import db

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/portal_bench"


def bench_url() -> str:
    """Return the benchmark's own database: on DATABASE_URL's PostgreSQL server if any."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    server = os.environ.get("DATABASE_URL", "")
    if server.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        return server.rsplit("/", 1)[0] + "/portal_bench"
    return DEFAULT_URL


def _import_url(url: str) -> str:
    if url.startswith("sqlite"):
        return url.removesuffix(".db") + "_import.db"
    base, _, name = url.rpartition("/")
    return f"{base}/{name}_import"


LEAVERS_PER = 50  # one student in fifty leaves with their family: the retention run's people


def measure_size(students: int, url: str, args: argparse.Namespace) -> dict:
    """Build a district of this size and take every measurement of it."""
    started = time.perf_counter()
    kept = kept_district(url, students, today_in(SCHOOL_TIMEZONE)) if args.keep else None
    url = fresh_database(url, template=kept[0] if kept else None)
    app = make_app(url)
    result = {"students": students}
    with app.app_context():
        print(f"District of {students:,} students:", flush=True)
        if kept:
            print(f"  copied from {kept[0]} (generated earlier today)", flush=True)
            refresh_statistics(vacuum=True)  # after the migrations' backfills, if any
            result["district"] = {**kept[1], "copied_from_kept": True}
        else:
            result["district"] = load_district(students)
            if args.keep:
                db.session.remove()
                db.engine.dispose()
                keep_district(url, students, result["district"])
        print("  earlier nights' risk…", flush=True)
        result["risk_history"] = record_history()
        print("  risk recompute…", flush=True)
        db.session.remove()
        result["risk_recompute"] = measure_risk_apart(url)
        print("  pages…", flush=True)
        result.update(measure_pages(app, args.requests))
        print("  campaign…", flush=True)
        result["campaign"] = measure_campaign(url, min(args.delivery_sample, students),
                                              args.workers)
        print("  retention…", flush=True)
        result["retention"] = measure_retention(max(2, students // LEAVERS_PER))
        print("  weekly messages…", flush=True)
        result["weekly_digest"] = measure_weekly_digest(min(args.digest_sample, students))
        db.session.remove()
    print("  OneRoster import…", flush=True)
    import_url = _import_url(url)
    result["oneroster_import"] = measure_import(
        app, lambda: make_app(fresh_database(import_url)))
    with app.app_context():
        db.engine.dispose()
    result["bench_seconds"] = round(time.perf_counter() - started, 1)
    return result


def main() -> None:
    """Measure every size and write the JSON results and the readable table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", type=int, default=[5000, 50000])
    parser.add_argument("--database-url", default=bench_url())
    parser.add_argument("--delivery-sample", type=int, default=5000,
                        help="Emails delivered per worker run (the enqueue covers everyone).")
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2, 4],
                        help="Worker processes of each delivery run.")
    parser.add_argument("--requests", type=int, default=20, help="Requests per page.")
    parser.add_argument("--digest-sample", type=int, default=2000,
                        help="Families whose weekly message is queued and timed.")
    parser.add_argument("--output", default="bench/results.json")
    parser.add_argument("--keep", action="store_true",
                        help="Keep each generated district as a template database "
                             "(<database>_<students>_kept) and start from it on later runs "
                             "the same day, instead of generating it again (PostgreSQL).")
    args = parser.parse_args()
    runs = [measure_size(size, args.database_url, args) for size in args.sizes]
    results = {"python": platform.python_version(), "machine": platform.machine(),
               "cpus": os.cpu_count(), "database": args.database_url.split("://")[0],
               "runs": runs}
    output = Path(args.output)
    output.write_text(json.dumps(results, indent=2) + "\n")
    write_table(results, output.with_suffix(".md"))
    print(output.with_suffix(".md").read_text())


if __name__ == "__main__":
    main()
