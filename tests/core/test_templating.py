"""The nl2br filter escapes first and only then adds its line breaks."""

from markupsafe import Markup

from portal.core.templating import nl2br


def test_nl2br_escapes_markup_and_keeps_line_breaks():
    shown = nl2br('<script>alert(1)</script>\r\n"><img src=x onerror=alert(1)>\nbye')
    assert shown == Markup("&lt;script&gt;alert(1)&lt;/script&gt;<br>"
                           "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;<br>bye")


def test_nl2br_escapes_ampersands_and_quotes():
    assert nl2br("Tom & Jerry's <b>") == Markup("Tom &amp; Jerry&#39;s &lt;b&gt;")


def test_nl2br_of_nothing_is_empty():
    assert nl2br(None) == Markup("") and nl2br("") == Markup("")


def test_nl2br_in_a_template_is_not_escaped_twice(app):
    template = app.jinja_env.from_string("<p>{{ text|nl2br }}</p>")
    assert template.render(text="a < b\nc") == "<p>a &lt; b<br>c</p>"
