"""Say an OULAD replay report in text, and draw its AUC and watch list against the day."""

GOALS = "day 56: AUC >= 0.80, watch recall >= 70 % at precision >= 60 %; " \
        "day 126: accuracy >= 83 %, AUC >= 0.88; median lead time >= 8 weeks"


def format_report(report: dict, folder: str) -> str:
    """Render the replay report as the text the command prints."""
    protocol = report["protocol"]
    lines = [
        f"OULAD early warning replay — folder {folder}",
        f"source: {report['source']}",
        f"train: {', '.join(report['train'])}", f"test: {', '.join(report['test'])}",
        f"positive class: {protocol['positive']}; learned: {protocol['learned']}",
        f"goals: {GOALS}", "",
        f"{'day':>4} {'students':>8} {'base':>6} {'AUC':>6} {'acc.':>6} "
        f"{'high P/R':>13} {'watch P/R':>13} {'rules P/R':>13}",
    ]
    for cell in report["cutoffs"]:
        pairs = " ".join(f"{_pct(cell[k]['precision'])}/{_pct(cell[k]['recall'])}".rjust(13)
                         for k in ("high", "watch", "rules_only"))
        lines.append(f"{cell['day']:>4} {cell['students']:>8} {_pct(cell['base_rate']):>6} "
                     f"{_num(cell['auc']):>6} {_pct(cell['accuracy']):>6} {pairs}")
    lines += ["", "each module on its own (day: students, base rate, AUC, accuracy, watch P/R):"]
    for module, entry in report["modules"].items():
        cells = [f"day {c['day']}: {c['students']}, {_pct(c['base_rate'])} %, {_num(c['auc'])}, "
                 f"{_pct(c['accuracy'])} %, {_pct(c['watch']['precision'])}/"
                 f"{_pct(c['watch']['recall'])}" for c in entry["cutoffs"] if c["day"] in (56, 126)]
        lines.append(f"  {module} ({', '.join(entry['presentations'])}): {'; '.join(cells)}")
    lead = report["lead_time"]
    lines += ["", _lead_line("lead time, all who fail or withdraw", lead),
              _lead_line("  who withdraw", lead["by_outcome"]["withdrawn"]),
              _lead_line("  who fail", lead["by_outcome"]["fail"])]
    lines += ["", "churn of the watch list:"]
    for step in report["churn"]["between_cutoffs"]:
        lines.append(f"  day {step['from']} -> {step['to']}: {step['on_list_before']} on the list,"
                     f" {step['entered']} entered, {step['left_still_enrolled']} left while "
                     f"enrolled, {step['left_by_withdrawing']} withdrew, {step['stayed']} stayed")
    return "\n".join(lines)


def _lead_line(title: str, lead: dict) -> str:
    return (f"{title} (students: {lead['students']}): median "
            f"{_num(lead['median_weeks'])} weeks; flagged >= 4 weeks ahead "
            f"{_pct(lead['share_4_weeks'])} %, >= 8 weeks {_pct(lead['share_8_weeks'])} %; "
            f"never flagged {lead['never_flagged']}")


def _pct(value) -> str:
    return "–" if value is None else f"{value:.1f}"


def _num(value) -> str:
    return "–" if value is None else f"{value:g}"


def chart_html(report: dict) -> str:
    """Return a small standalone Plotly page: AUC and watch precision/recall by day."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    cells = report["cutoffs"]
    days = [cell["day"] for cell in cells]
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    band = [c.get("auc_95") or [c["auc"], c["auc"]] for c in cells]
    figure.add_trace(go.Scatter(
        x=days, y=[c["auc"] for c in cells], name="ROC AUC (95 % interval)", mode="lines+markers",
        error_y={"type": "data", "symmetric": False, "array": [b[1] - c["auc"] for b, c in
                                                               zip(band, cells, strict=True)],
                 "arrayminus": [c["auc"] - b[0] for b, c in zip(band, cells, strict=True)]}),
        secondary_y=False)
    figure.add_trace(go.Scatter(x=[56, 126], y=[0.80, 0.88], name="AUC goal", mode="markers",
                                marker={"symbol": "line-ew-open", "size": 30, "color": "black",
                                        "line": {"width": 3}}),
                     secondary_y=False)
    for key, label in (("precision", "watch precision %"), ("recall", "watch recall %")):
        figure.add_trace(go.Scatter(x=days, y=[c["watch"][key] for c in report["cutoffs"]],
                                    name=label, mode="lines+markers"), secondary_y=True)
    figure.update_layout(title="OULAD 2014 presentations: early warning by day of the course",
                         xaxis_title="day of the presentation")
    figure.update_yaxes(title_text="AUC", range=[0.5, 1], secondary_y=False)
    figure.update_yaxes(title_text="%", range=[0, 100], secondary_y=True)
    return figure.to_html(include_plotlyjs=True, full_html=True)  # self-contained: no CDN
