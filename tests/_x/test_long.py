"""Exploration: each page's forms, filled with their own values, one field tampered."""
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from tests.test_hostile_input import ROLES, Probe, _paths, _refused, world  # noqa: F401

VALUES = ("x" * 5000, "é" * 300, "1" * 300)



class Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self.form, self.select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = {"method": (a.get("method") or "get").lower(), "action": a.get("action"),
                         "fields": {}}
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self.form["fields"].setdefault(a["name"], None)
                return
            self.form["fields"][a["name"]] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self.form["fields"][a["name"]] = "text"
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
            self.form["fields"][a["name"]] = None
        elif tag == "option" and self.select:
            if self.form["fields"].get(self.select) is None or "selected" in a:
                self.form["fields"][self.select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


@pytest.mark.parametrize("email", ROLES[:4])
def test_per_field(world, email):  # noqa: F811
    user_id = db.session.scalar(select(User.id).where(User.email == email))
    probe = Probe(world, user_id)
    seen = set()
    rules = [r for r in world.app.url_map.iter_rules()
             if "GET" in r.methods and r.endpoint not in ("static", "dashboards.plotly_js")]
    for rule in sorted(rules, key=lambda r: r.rule):
        if _refused(probe, world.app.view_functions[rule.endpoint]):
            continue
        path = _paths(rule, world.real_ids)[0]
        if "logout" in path or "erase" in path:
            continue
        page = probe.send("GET", path)
        parser = Forms()
        parser.feed(page)
        for form in parser.forms:
            action = form["action"] or path
            if not action.startswith("/") or "logout" in action:
                continue
            fields = {k: v for k, v in form["fields"].items() if v is not None}
            key = (form["method"], action.split("?")[0], tuple(sorted(form["fields"])))
            if key in seen:
                continue
            seen.add(key)
            for name in form["fields"]:
                if name == "csrf_token":
                    continue
                for value in VALUES:
                    data = {**fields, name: value}
                    if form["method"] == "post":
                        probe.send("POST", action, f"{name}={value!r}", data=data)
                    else:
                        probe.send("GET", action, f"{name}={value!r}", query_string=data)
    print(len(seen), "forms")
    assert not probe.failures, f"{len(probe.failures)} server errors:\n" + "\n".join(
        probe.failures)


