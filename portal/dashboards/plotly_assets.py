"""The installed package's plotly.min.js, and what it needs to run under the portal's CSP."""

import re
from functools import cache
from pathlib import Path

import plotly

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# Plotly writes an inline <style> on loading unless an element with the id already exists.
_GUARDED_STYLE = re.compile(
    r'getElementById\("([\w-]+)"\)\)\{var \w+=document\.createElement\("style"\)')


@cache
def guarded_style_ids() -> tuple[str, ...]:
    """Return the ids of the inline <style> elements Plotly skips when the id is taken.

    Plotly 4 adds its map library's CSS that way; the CSP would block it (and report it), so
    charts.js puts a placeholder with each id in the page first. The portal draws no maps.
    """
    return tuple(_GUARDED_STYLE.findall(PLOTLY_JS.read_text(encoding="utf-8")))
