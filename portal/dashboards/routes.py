"""Dashboard pages, and the plotly.min.js of the installed plotly package."""

from pathlib import Path

import plotly
from flask import current_app, send_file

from portal.extensions import limiter

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

from portal.dashboards import bp  # noqa: E402


@bp.get("/plotly.min.js")
@limiter.exempt
def plotly_js():
    """Serve Plotly from the installed package (no CDN), cached for a long time."""
    return send_file(PLOTLY_JS, mimetype="text/javascript",
                     max_age=current_app.config["PLOTLY_JS_MAX_AGE"])
