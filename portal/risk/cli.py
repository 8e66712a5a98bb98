"""`flask --app portal risk recompute`, `risk evaluate --uci PATH` and `--oulad DIR`."""

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

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
@click.option("--uci", "path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A UCI Student Performance CSV (default: $PORTAL_UCI_CSV or the shared copy).")
@click.option("--oulad", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="An OULAD folder: replay its presentations day by day instead.")
@click.option("--setup", type=click.Choice(sorted(SETUPS)),
              help="UCI only — A: G1 and G2; B: G1 only; C: no period grades.")
@click.option("--runs", default=20, show_default=True, type=click.IntRange(1, 1000),
              help="Repetitions of the cross-validation.")
@click.option("--folds", default=10, show_default=True, type=click.IntRange(2, 100),
              help="Folds per repetition.")
@click.option("--seed", default=2026, show_default=True, help="Seed of the fold shuffles.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="OULAD only: also write a Plotly chart (HTML) of AUC and the watch list.")
@with_appcontext
def evaluate(path: Path | None, folder: Path | None, setup: str | None, runs: int, folds: int,
             seed: int, as_json: bool, chart: Path | None) -> None:
    """Predict pass/fail on a UCI file, or fail/withdraw on OULAD day by day, with the engine."""
    from portal.risk.evaluation import evaluate as run_evaluation
    from portal.risk.evaluation import format_report

    if folder is not None:
        _evaluate_oulad(folder, as_json, chart)
        return
    if setup is None:
        raise click.UsageError("give --setup A, B or C for a UCI file (or --oulad DIR)")
    path = path or default_path(Path(current_app.root_path).parent)
    students = _read(path, folds)
    try:
        report = run_evaluation(students, setup, runs=runs, folds=folds, seed=seed)
    except ValueError as error:  # a training fold drew students of one outcome only
        raise click.ClickException(f"{path}: cannot cross-validate on this file: {error}") from None
    click.echo(json.dumps(report, indent=2) if as_json else format_report(report, str(path)))


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
