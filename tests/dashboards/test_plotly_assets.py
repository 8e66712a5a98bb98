"""Plotly under the CSP: every inline <style> it would write is either one charts.js preempts
or the global one it fills through the stylesheet that base.html links."""

from portal.dashboards.plotly_assets import PLOTLY_JS, guarded_style_ids


def test_every_inline_style_plotly_writes_is_preempted():
    source = PLOTLY_JS.read_text(encoding="utf-8")
    ids = guarded_style_ids()
    assert ids and all(len(style_id) > 10 for style_id in ids)
    # The one left is addStyleRule's "plotly.js-style-global", which base.html links.
    assert source.count('createElement("style")') == len(ids) + 1
    assert '"plotly.js-style-"+' in source


def test_pages_hand_the_ids_to_charts_js(app, client):
    page = client.get("/login").get_data(as_text=True)
    assert f'data-plotly-placeholders="{" ".join(guarded_style_ids())}"' in page
    assert 'id="plotly.js-style-global"' in page
