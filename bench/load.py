"""`make load`: the portal under gunicorn on a database of its own, loaded with the demo
school, visited by simulated staff and parents (Locust) on the loopback interface.

Writes requests, errors, median and 95th percentile per page to bench/load-results.json
and a table to bench/load-results.md; exits non-zero when any request failed.
"""

import argparse
import csv
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, make_url, select, text

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/portal_load"
# Every simulated user signs in from 127.0.0.1: the load run (only) lets one address sign in
# this often. Production keeps LOGIN_LIMIT_PER_ADDRESS at its default.
LOAD_LIMIT_PER_ADDRESS = "1000 per 5 minutes"


def reset_database(url: str) -> str:
    """Drop and create the load database (a SQLite file or a PostgreSQL database); return it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database).unlink(missing_ok=True)
        return url
    server = create_engine(parsed.set(drivername="postgresql+psycopg", database="postgres"),
                           isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    server.dispose()
    return url


def flask(env: dict, *args: str) -> None:
    """Run a `flask --app portal` command on the load database."""
    subprocess.run([str(BIN / "flask"), "--app", "portal", *args], env=env, cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)


def accounts(url: str) -> dict:
    """Return the demo school's staff and parent sign-ins (all share the demo password)."""
    from config import config_named
    from portal import create_app
    from portal.auth.models import Role, User
    from portal.demo.names import DEMO_PASSWORD
    from portal.extensions import db

    app = create_app(type("Load", (config_named("default"),),
                          {"SQLALCHEMY_DATABASE_URI": _driver(url), "SECRET_KEY": "load"}))
    with app.app_context():
        users = db.session.execute(select(User.email, User.role)
                                   .where(User.activated_at.is_not(None))
                                   .order_by(User.id)).all()
        db.engine.dispose()
    return {"password": DEMO_PASSWORD,
            "staff": [(email, role) for email, role in users if role != Role.GUARDIAN],
            "parents": [(email, role) for email, role in users if role == Role.GUARDIAN]}


def _driver(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def free_port() -> int:
    """Return a loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(env: dict, port: int, workers: int) -> subprocess.Popen:
    """Start gunicorn on 127.0.0.1 and wait until it answers."""
    server = subprocess.Popen(
        # A slow answer on a busy machine is measured as slow (p95), not cut off as a reset;
        # connections stay open longer than a reader's pause (as behind a proxy), so a request
        # never races the server closing its idle connection.
        [str(BIN / "gunicorn"), "--workers", str(workers), "--threads", "4", "--timeout", "90",
         "--keep-alive", "30",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "portal.wsgi:app"],
        env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not answer on /healthz within 60 s")


def swarm(env: dict, port: int, users: int, seconds: int, folder: Path) -> Path:
    """Run Locust headless against the server for the given time; return its stats CSV."""
    prefix = folder / "load"
    subprocess.run(
        [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         # People arrive over the first 25 seconds, not all in the same second.
         "--users", str(users), "--spawn-rate", str(max(1, users // 25)),
         "--run-time", f"{seconds}s", "--stop-timeout", "5", "--host", f"http://127.0.0.1:{port}",
         "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
         "--exit-code-on-error", "0"],
        env=env, cwd=ROOT, check=True, timeout=seconds + 120)
    return prefix.with_name("load_stats.csv")


def summarise(stats_csv: Path, *, users: int, seconds: int, workers: int, database: str,
              busy: float) -> dict:
    """Return requests, errors, p50 and p95 (ms) per page, and the totals."""
    pages = {}
    with stats_csv.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            pages[row["Name"] if row["Name"] != "Aggregated" else "All pages"] = {
                "method": row["Type"], "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]), "p50_ms": _number(row["50%"]),
                "p95_ms": _number(row["95%"]),
                "requests_per_second": round(float(row["Requests/s"]), 2)}
    return {"users": users, "seconds": seconds, "gunicorn_workers": workers,
            "database": make_url(database).get_backend_name(), "cpus": os.cpu_count(),
            "load_average_before": busy, "pages": pages}


def _number(value: str) -> float | None:
    return None if value in ("", "N/A") else float(value)


def table(results: dict) -> str:
    """Return the results as a Markdown table."""
    lines = [f"# Load run: {results['users']} users for {results['seconds']} s, "
             f"{results['gunicorn_workers']} gunicorn workers, {results['database']}", "",
             f"The machine had {results['cpus']} CPUs and a load average of "
             f"{results['load_average_before']} before the run (other work sharing them).", "",
             "| page | method | requests | errors | p50 ms | p95 ms |",
             "|---|---|---:|---:|---:|---:|"]
    for name, page in results["pages"].items():
        lines.append(f"| {name} | {page['method']} | {page['requests']} | {page['errors']} | "
                     f"{page['p50_ms']} | {page['p95_ms']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Reset the load database, load the demo school, serve it, swarm it, and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "load-results.json")
    args = parser.parse_args(argv)
    if not 1 <= args.seconds <= 60 or not 1 <= args.users <= 200:
        parser.error("--seconds must be within 1–60 and --users within 1–200")
    url = reset_database(args.database_url)
    env = {**os.environ, "DATABASE_URL": url, "PORTAL_CONFIG": "default",
           "SECRET_KEY": secrets.token_hex(32), "LOGIN_LIMIT_PER_ADDRESS": LOAD_LIMIT_PER_ADDRESS}
    print(f"load: migrating and loading the demo school into {make_url(url).database}")
    flask(env, "db", "upgrade")
    flask(env, "demo-data")
    with tempfile.TemporaryDirectory() as folder:
        accounts_file = Path(folder) / "accounts.json"
        accounts_file.write_text(json.dumps(accounts(url)))
        env["LOAD_ACCOUNTS"] = str(accounts_file)
        print(f"load: {args.users} users for {args.seconds} s on gunicorn ({args.workers} workers)")
        busy = round(os.getloadavg()[0], 1)
        port = args.port or free_port()
        server = serve(env, port, args.workers)
        try:
            stats = swarm(env, port, args.users, args.seconds, Path(folder))
        finally:
            server.terminate()
            server.wait(timeout=30)
        results = summarise(stats, users=args.users, seconds=args.seconds,
                            workers=args.workers, database=url, busy=busy)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    args.output.with_suffix(".md").write_text(table(results))
    print(table(results))
    errors = results["pages"].get("All pages", {}).get("errors", 0)
    print(f"load: {errors} errors; results in {args.output} and {args.output.with_suffix('.md')}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
