"""Translated texts whose counts are written the way the reader's language writes numbers:
a %(name)d placeholder given a whole number reads "12,345" ("12 345" in French, ۱۲٬۳۴۵ in
Persian), as every other number on a page; ngettext still chooses the plural by the number.
The catalogues keep their msgids: the placeholder is rewritten after the lookup."""

import re
from collections.abc import Callable
from numbers import Integral

import flask_babel
from flask import Flask
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from werkzeug.utils import cached_property

from portal.core.formats import format_number

# "%%" is matched first: an escaped percent sign starts no placeholder.
COUNT = re.compile(r"%%|%\((\w+)\)d")


def fill(text: str, variables: dict) -> str:
    """Fill a translated text's placeholders, its counts (%(name)d given a whole number)
    written in the reader's language; markup stays markup (its variables escaped)."""
    locale = flask_babel.get_locale()
    counts = {}

    def written(match: re.Match) -> str:
        value = variables.get(match[1])  # match[1] is None for "%%": no value
        if locale is None or not isinstance(value, Integral) or isinstance(value, bool):
            return match[0]
        counts[match[1]] = format_number(int(value), locale)
        return f"%({match[1]})s"

    rewritten = COUNT.sub(written, text)
    return (Markup(rewritten) if isinstance(text, Markup) else rewritten) % {**variables,
                                                                             **counts}


def _filled(text: str, variables: dict) -> str:
    # As Flask-Babel: a text given no variables is not a format ("%%" stays as written).
    return fill(text, variables) if variables else text


class CountingDomain(flask_babel.Domain):
    """Flask-Babel's message domain, its texts filled by fill() (lazy texts too)."""

    def gettext(self, string, **variables):
        return _filled(self.get_translations().ugettext(string), variables)

    def ngettext(self, singular, plural, num, **variables):
        return _filled(self.get_translations().ungettext(singular, plural, num),
                       {"num": num, **variables})

    def pgettext(self, context, string, **variables):
        return _filled(self.get_translations().upgettext(context, string), variables)

    def npgettext(self, context, singular, plural, num, **variables):
        return _filled(self.get_translations().unpgettext(context, singular, plural, num),
                       {"num": num, **variables})


def _template_global(lookup: str, plural: bool) -> Callable[..., str]:
    """A template's gettext-like global, as Jinja's newstyle ones (always a format; markup
    under autoescape, so its variables are escaped), filled by fill()."""

    @pass_context
    def translate(context: Context, *args, **variables) -> str:
        text = getattr(flask_babel.get_translations(), lookup)(*args)
        if plural:
            variables.setdefault("num", args[-1])
        return fill(Markup(text) if context.eval_ctx.autoescape else text, variables)

    return translate


TEMPLATE_GLOBALS = {"gettext": ("ugettext", False), "ngettext": ("ungettext", True),
                    "pgettext": ("upgettext", False), "npgettext": ("unpgettext", True)}


class Babel(flask_babel.Babel):
    """Flask-Babel whose texts write their counts in the reader's language, in Python (the
    domain behind gettext, ngettext and the lazy texts) and in templates."""

    @cached_property
    def domain_instance(self) -> CountingDomain:
        return CountingDomain(domain=self.domain)

    def init_app(self, app: Flask, *args, **kwargs) -> None:
        super().init_app(app, *args, **kwargs)
        app.jinja_env.globals.update({name: _template_global(*how)
                                      for name, how in TEMPLATE_GLOBALS.items()})
