"""`flask --app portal risk recompute`, `risk evaluate` (UCI files or OULAD), `risk lead-time`."""

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.risk.evaluation import DEFAULT_MISS_COST
from portal.risk.uci import SETUPS, UciFormatError, default_path, read_students


@click.group("risk")
def risk() -> None:
    """Early warning: recompute assessments, evaluate the engine on real data."""


@risk.command("recompute")
@with_appcontext
def recompute() -> None:
    """Recompute every active student's risk assessment, with a progress line."""
    from portal.risk.services import recompute_all

    def progress(done: int, total: int) -> None:
        click.echo(f"\rrisk: assessed {done} of {total} students", nl=False)

    count = recompute_all(progress=progress)
    click.echo(f"\rrisk: assessed {count} students" + " " * 20)


def _read(path: Path, folds: int) -> list:
    """Read the UCI rows, or stop with a message naming the file and what is wrong."""
    if not path.exists():
        raise click.ClickException(f"no such file: {path} (pass --uci PATH)")
    try:
        students = read_students(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        raise click.ClickException(
            f"{path}: not UTF-8 text (byte {error.start + 1}); save the file as a UTF-8 CSV"
        ) from None
    except (OSError, UciFormatError) as error:
        raise click.ClickException(f"{path}: {error}") from None
    failed = sum(student.failed for student in students)
    if min(failed, len(students) - failed) < folds:
        raise click.ClickException(
            f"{path}: {failed} failing and {len(students) - failed} passing students; the "
            f"{folds}-fold cross-validation needs at least {folds} of each")
    return students


@risk.command("evaluate")
@click.option("--uci", "paths", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A UCI Student Performance CSV; repeat for several files "
                   "(default: $PORTAL_UCI_CSV or the shared Mathematics copy).")
@click.option("--oulad", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="An OULAD folder: replay its presentations day by day instead.")
@click.option("--setup", "setups", multiple=True, type=click.Choice(sorted(SETUPS)),
              help="UCI only — A: G1 and G2; B: G1 only; C: no period grades (default: all).")
@click.option("--miss-cost", default=DEFAULT_MISS_COST, show_default=True,
              type=click.FloatRange(0.1, 100),
              help="UCI watch list: a missed failing student counts as this many needless "
                   "check-ins; the cut-off minimises that cost on inner out-of-fold predictions.")
@click.option("--runs", default=20, show_default=True, type=click.IntRange(1, 1000),
              help="Repetitions of the cross-validation.")
@click.option("--folds", default=10, show_default=True, type=click.IntRange(2, 100),
              help="Folds per repetition.")
@click.option("--bootstrap", default=1000, show_default=True, type=click.IntRange(0, 100_000),
              help="Bootstrap resamples for the 95 % intervals (0: none).")
@click.option("--seed", default=2026, show_default=True, help="Seed of the fold shuffles.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="OULAD only: also write a Plotly chart (HTML) of AUC and the watch list.")
@with_appcontext
def evaluate(paths: tuple[Path, ...], folder: Path | None, setups: tuple[str, ...],
             miss_cost: float, runs: int, folds: int, bootstrap: int, seed: int, as_json: bool,
             chart: Path | None) -> None:
    """Predict pass/fail on UCI files, or fail/withdraw on OULAD day by day, with the engine."""
    from portal.risk.evaluation import evaluate as run_evaluation
    from portal.risk.evaluation_report import format_file

    if folder is not None:
        _evaluate_oulad(folder, as_json, chart)
        return
    paths = paths or (default_path(Path(current_app.root_path).parent),)
    files = [(path, _read(path, folds)) for path in paths]  # every file is checked first
    results = []
    for path, students in files:
        try:
            reports = [run_evaluation(students, setup, runs=runs, folds=folds, seed=seed,
                                      miss_cost=miss_cost, bootstrap=bootstrap)
                       for setup in sorted(setups or SETUPS)]
        except ValueError as error:  # a training fold drew students of one outcome only
            raise click.ClickException(
                f"{path}: cannot cross-validate on this file: {error}") from None
        results.append({"file": str(path), "rows": len(students),
                        "failed": reports[0]["failed"], "base_rate": reports[0]["base_rate"],
                        "setups": reports})
        if not as_json:
            click.echo(format_file(str(path), reports) + "\n")
    if as_json:
        click.echo(json.dumps({"files": results}, indent=2))


@risk.command("lead-time")
@click.option("--every-days", default=7, show_default=True, type=click.IntRange(1, 60),
              help="Days between replay days (7: every Friday).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
def lead_time(every_days: int, as_json: bool) -> None:
    """Replay each school's year week by week: how early flags come, and how steady they are."""
    from portal.core.time import today_in
    from portal.extensions import db
    from portal.people.models import School
    from portal.risk.lead_time import format_lead_time, lead_time_report
    from portal.risk.lead_time_replay import replay_school

    reports = []
    for school in db.session.scalars(select(School).order_by(School.id)).all():
        history = replay_school(school, until=today_in(school.timezone), every_days=every_days)
        if history is None:
            continue
        report = {"school": school.name, **lead_time_report(history)}
        reports.append(report)
        if not as_json:
            click.echo(format_lead_time(school.name, report) + "\n")
    db.session.rollback()  # the replay stores nothing
    if as_json:
        click.echo(json.dumps({"schools": reports}, indent=2))


def _evaluate_oulad(folder: Path, as_json: bool, chart: Path | None) -> None:
    from portal.risk.oulad import OuladFormatError, read_oulad
    from portal.risk.oulad_evaluation import evaluate as replay
    from portal.risk.oulad_report import chart_html, format_report

    if not folder.is_dir():
        raise click.ClickException(f"no such folder: {folder} (pass --oulad DIR)")
    try:
        registrations = read_oulad(folder)
    except OuladFormatError as error:
        raise click.ClickException(f"{folder}: {error}") from None
    report = replay(registrations)
    if chart is not None:
        chart.write_text(chart_html(report), encoding="utf-8")
    click.echo(json.dumps(report, indent=2) if as_json else format_report(report, str(folder)))


commands = [risk]
