"""Measure the portal's speed and memory on the demo school and write the results as JSON."""

import argparse
import importlib
import json
import platform
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from config import TestConfig
from portal import create_app
from portal.auth.models import User
from portal.extensions import db

FEATURE_BENCHES = ("bench.risk_bench", "bench.messaging_bench")


def _timed(function, repeat: int = 1) -> tuple[float, object]:
    start = time.perf_counter()
    for _ in range(repeat):
        result = function()
    return (time.perf_counter() - start) / repeat, result


def bench_demo_school() -> dict:
    """Load the demo school into a fresh SQLite file and time the common staff reads."""
    from portal.demo.school import load_demo_school
    from portal.people.student_list import StudentFilters, find_students

    results = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app(type("Bench", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
        with app.app_context():
            upgrade()
            tracemalloc.start()
            seconds, _ = _timed(lambda: load_demo_school(today=date(2026, 11, 23)))
            db.session.commit()
            results["demo_load_seconds"] = round(seconds, 3)
            results["demo_load_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
            tracemalloc.stop()
            admin = db.session.scalar(select(User).where(User.email == "admin@demo.school"))
            teacher = db.session.scalar(select(User).where(User.email == "teacher@demo.school"))
            for name, user in (("administrator", admin), ("teacher", teacher)):
                seconds, (_, total) = _timed(
                    lambda u=user: find_students(u, StudentFilters(search="an", sort="risk")), 20)
                results[f"student_search_{name}_ms"] = round(seconds * 1000, 2)
                results[f"student_search_{name}_matches"] = total
            for module_name in FEATURE_BENCHES:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError:
                    continue
                results[module_name.split(".")[-1]] = module.run()
    return results


def main() -> None:
    """Run every benchmark and write the JSON file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", default="bench-results.json")
    args = parser.parse_args()
    results = {"python": platform.python_version(), "machine": platform.machine(),
               **bench_demo_school()}
    Path(args.output).write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
