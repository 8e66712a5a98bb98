"""The benchmark's readable table (bench/results.md), made from its JSON results."""

from pathlib import Path

GOALS = {"risk": "≤ 2× floor", "page": "p95 ≤ 150 ms", "enqueue": "≤ 10 s for 90,000",
         "delivery": "≥ 60 % of smtplib", "rss": "≤ 300 MB", "import": "≤ 60 s"}


def _answered(history: dict) -> str:
    """The interventions counsellors opened for the earlier nights' new flags (runs before
    the fifteenth session opened none)."""
    return f", {history['interventions']:,} new flags answered by an intervention" \
        if "interventions" in history else ""


def _rows(run: dict) -> list[tuple[str, str, str]]:
    risk, campaign, roster = run["risk_recompute"], run["campaign"], run["oneroster_import"]
    per_school = campaign["per_school_campaigns"]
    history = run.get("risk_history")  # runs before the fourteenth session had none
    rows = [("District load", f"{run['district']['seconds']} s "
             f"({run['district']['attendance_rows']:,} attendance rows)", ""),
            *([("Earlier nights assessed first", f"{', '.join(history['nights'])} "
                f"in {history['seconds']} s{_answered(history)}", "")] if history else []),
            ("Risk recompute", f"{risk['seconds']} s vs floor {risk['floor_seconds']} s "
             f"= {risk['ratio']}×, peak memory {risk['peak_rss_mb']} MB", GOALS["risk"]),
            ("Risk recompute vs one statement of every indicator",
             f"{risk['full_floor_seconds']} s = {risk['full_ratio']}×", "")]
    for who, pages in (("Page", run["pages"]),
                       ("District administrator", run["district_pages"])):
        rows += [(f"{who}: {name.replace('_', ' ')}", _timing(page), GOALS["page"])
                 for name, page in pages.items()]
    rows += [(f"Analysis: {name.replace('_', ' ')}", _timing(page),
              "all schools as fast as one" if name.endswith("_all_schools") else "")
             for name, page in run.get("analysis_pages", {}).items()]
    rows += [
        ("Campaign enqueue (the district's administrator, every guardian)",
         f"{campaign['recipients']:,} emails in {campaign['enqueue_seconds']} s "
         f"(≈ {campaign['enqueue_seconds_for_90000']} s for 90,000)", GOALS["enqueue"]),
        ("Campaign enqueue (each school's own, one after the other)",
         f"{per_school['campaigns']} campaigns, {per_school['deliveries']:,} emails in "
         f"{per_school['seconds']} s", ""),
        ("Delivery (1 worker)", f"{campaign['delivered_per_second']}/s vs smtplib "
         f"{campaign['smtplib_per_second']}/s = {campaign['delivery_ratio']}", GOALS["delivery"]),
        ("Worker peak memory", f"{campaign['worker_peak_rss_mb']} MB", GOALS["rss"]),
    ]
    rows += [(f"Delivery ({w['workers']} workers)", f"{w['delivered_per_second']}/s, "
              f"{w['delivered']} sent, {w['duplicates']} duplicates", "growing, no duplicates")
             for w in campaign["workers"]]
    rows.append(("OneRoster import", f"{roster['seconds']} s, re-import "
                 f"{roster['reimport_seconds']} s", GOALS["import"]))
    if "retention" in run:  # results written before the thirteenth session have none
        retention = run["retention"]
        rows.append(("Retention run (leavers past the period)",
                     f"{retention['people']:,} people in {retention['seconds']} s "
                     f"({retention['ms_per_person']} ms each; one erasure on request "
                     f"{retention['one_erasure_seconds']} s)", ""))
    if "weekly_digest" in run:  # results written before the twenty-first session have none
        digest = run["weekly_digest"]
        rows.append(("Weekly message (alert and digest), sampled families",
                     f"{digest['sampled']:,} in {digest['seconds']} s ({digest['ms_per_family']} "
                     f"ms and {digest['queries_per_family']} statements each); all "
                     f"{digest['families']:,} ≈ {digest['projected_all_families_minutes']} min",
                     ""))
    return rows


def _timing(page: dict) -> str:
    return f"p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms, {page['queries']} queries"


def write_table(results: dict, path: Path) -> None:
    """Write one Markdown table per district size."""
    lines = ["# Benchmark results", "",
             f"Python {results['python']} on {results['cpus']} CPUs, {results['database']}.", ""]
    for run in results["runs"]:
        lines += [f"## {run['students']:,} students", "", "| Measure | Result | Goal |",
                  "|---|---|---|"]
        lines += [f"| {name} | {result} | {goal} |" for name, result, goal in _rows(run)]
        lines.append("")
    path.write_text("\n".join(lines))
