"""Render the UCI evaluation reports as the text `flask risk evaluate` prints."""

HEADLINE = ("pcc", "precision", "recall", "false_positive_rate", "flag_rate")
TITLES = {"pcc": "PCC", "precision": "precision", "recall": "recall",
          "false_positive_rate": "false alarms", "flag_rate": "flagged", "f1": "F1"}


def format_file(path: str, reports: list[dict]) -> str:
    """Render every setup's report of one file, under a line with the file's base rate."""
    first = reports[0]
    lines = [f"== {path}: {first['rows']} students, {first['failed']} failing "
             f"(base rate {first['base_rate']} %); majority-class PCC "
             f"{first['majority_baseline_pcc']} %"]
    for report in reports:
        lines += ["", format_report(report)]
    return "\n".join(lines)


def format_report(report: dict) -> str:
    """Render one setup's report: protocol, headline figures, trade-off, calibration, fairness."""
    protocol, learned = report["protocol"], report["learned"]
    lines = [
        f"-- setup {report['setup']}: {report['setup_description']}",
        f"protocol: {protocol['runs']} runs x {protocol['folds']}-fold stratified "
        f"cross-validation, seed {protocol['seed']}; learned {protocol['learned']}",
        f"inputs: {', '.join(report['inputs'])}",
        f"models chosen per fold: {_chosen(report['models_chosen'])}",
        f"paper's best PCC (Mathematics): {report['paper_pcc_mathematics']} %; 95 % bootstrap "
        f"intervals over {protocol['bootstrap_resamples']} resamples in brackets", "",
        f"{'':34}" + "".join(f"{TITLES[name]:>22}" for name in HEADLINE),
    ]
    rows = {"learned, high": learned["high"],
            f"learned, watch (miss cost {protocol['miss_cost']:g})": learned["watch"],
            **{f"shipped rules, {level}": figures for level, figures in report["rules"].items()}}
    lines += [f"{name:34}" + "".join(f"{_cell(figures[m]):>22}" for m in HEADLINE)
              for name, figures in rows.items()]
    brier = learned["brier"]
    lines += ["", f"ROC AUC {learned['auc']}; Brier score {brier['value']} "
                  f"[{brier['low']}, {brier['high']}]", _trade_off(learned["trade_off"]),
              _reliability(learned["reliability"])]
    for name, groups in report["fairness"].items():
        lines.append(_fairness(name, groups))
    return "\n".join(lines)


def _chosen(counts: dict) -> str:
    return "; ".join(f"{name} {count}" for name, count in counts.items())


def _cell(figure: dict) -> str:
    if figure["value"] is None:
        return "–"
    if figure["low"] is None:
        return f"{figure['value']:.1f} %"
    return f"{figure['value']:.1f} [{figure['low']:.1f}, {figure['high']:.1f}]"


def _trade_off(points: list[dict]) -> str:
    lines = ["", "watch list by the school's cost ratio (a missed failing student counts as "
                 "this many needless check-ins):",
             f"  {'miss cost':>9} {'cut-off':>8} {'precision':>10} {'recall':>8} {'flagged':>8}"]
    lines += [f"  {point['miss_cost']:>9g} {point['median_cutoff']:>8.3f} "
              f"{point['precision']['value']:>9.1f}% {point['recall']['value']:>7.1f}% "
              f"{point['flag_rate']['value']:>7.1f}%" for point in points]
    return "\n".join(lines)


def _reliability(curve: list[dict]) -> str:
    lines = ["", "reliability (calibration): predicted against observed failure rate",
             f"  {'probability':>12} {'students':>9} {'predicted':>10} {'observed':>9}"]
    lines += [f"  {point['from']:>5.1f}–{point['to']:<6.1f} {point['students']:>9.1f} "
              f"{point['predicted']:>9.1f}% {point['observed']:>8.1f}%" for point in curve]
    return "\n".join(lines)


def _fairness(name: str, attributes: dict) -> str:
    lines = ["", f"per group ({name}); groups are never inputs",
             f"  {'group':36} {'n':>4} {'base':>6} {'flagged':>8} {'precision':>10} "
             f"{'recall':>7} {'false alarms':>13}"]
    for attribute, entry in attributes.items():
        for value, cell in entry["groups"].items():
            lines.append(f"  {attribute + ' ' + value:36} {cell['students']:>4} "
                         f"{_percent(cell['base_rate']):>6} {_percent(cell['flag_rate']):>8} "
                         f"{_percent(cell['precision']):>10} {_percent(cell['recall']):>7} "
                         f"{_percent(cell['false_positive_rate']):>13}")
        if "gap" in entry:
            gap = entry["gap"]
            lines.append(f"    gap {gap['between']}: " + "; ".join(
                f"{TITLES[name]} {_cell(gap[name])}"
                for name in ("recall", "false_positive_rate", "precision", "flag_rate")))
    return "\n".join(lines)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"
