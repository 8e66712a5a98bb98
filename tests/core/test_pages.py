"""Every page of the portal, opened by whoever may open it, in a school full of script payloads:
no user text reaches a page unescaped, and every form that posts carries a CSRF token."""

import re

import pytest
from markupsafe import escape

from portal.extensions import db
from tests.conftest import module_app, sign_in_session
from tests.core.world import (
    CSRF_EXEMPT_FORMS,
    RAW_MARKERS,
    build_world,
    multiline,
    page_paths,
    payload,
    reader_of,
)

POST_FORM = re.compile(r"<form\b[^>]*method=[\"']?post\b[^>]*>.*?</form>",
                       re.IGNORECASE | re.DOTALL)
# Routes that answer with a redirect.
REDIRECTS = {"auth.home": "/staff"}
# Opening a notification leads to the thing it is about (world: the family's request).
REDIRECTS_TO_PREFIX = {"notifications.open_notification": "/needs/requests/"}


@pytest.fixture(scope="module")
def pages(database_url):
    """Open every GET route once as its reader; return {endpoint: response}.

    Once for the module (the tests only read the answers), on an app of its own with CSRF
    on, as in production, so the forms render their tokens.
    """
    with module_app(database_url, WTF_CSRF_ENABLED=True) as application:
        world = build_world()
        db.session.commit()
        opened = {}
        for endpoint, path in page_paths(application, world):
            reader = reader_of(endpoint, world)
            client = application.test_client()
            if reader:
                with client.session_transaction() as session:
                    sign_in_session(session, reader)
            opened[endpoint] = client.get(path)
        yield opened


def _html(response) -> str:
    return response.get_data(as_text=True) if response.mimetype == "text/html" else ""


def test_every_page_opens_for_its_reader(pages):
    wrong = {endpoint: response.status_code for endpoint, response in pages.items()
             if response.status_code != (302 if endpoint in REDIRECTS | REDIRECTS_TO_PREFIX
                                         else 200)}
    assert wrong == {}
    for endpoint, prefix in REDIRECTS_TO_PREFIX.items():
        assert pages[endpoint].headers["Location"].startswith(prefix)
    for endpoint, location in REDIRECTS.items():
        assert pages[endpoint].headers["Location"] == location
    assert len(pages) > 50


def test_every_form_that_posts_carries_a_csrf_token(pages):
    forms = {endpoint: POST_FORM.findall(_html(response)) for endpoint, response in pages.items()}
    without = [endpoint for endpoint, found in forms.items() if endpoint not in CSRF_EXEMPT_FORMS
               for form in found if 'name="csrf_token"' not in form]
    assert without == []
    assert sum(len(found) for found in forms.values()) > 30


def test_no_user_text_reaches_any_page_unescaped(pages):
    leaked = [(endpoint, marker) for endpoint, response in pages.items()
              for marker in RAW_MARKERS if marker in _html(response)]
    assert leaked == []


# Where each text must be shown (escaped): staff pages and the family's.
SHOWN_ON = {
    "students.profile": ("student first name", "interaction summary", "need title",
                       "intervention goal", "program name", "behaviour description"),
    "interactions.edit": ("interaction summary",),
    # The district's administrator: every school of the district in the school filter.
    "students.student_list": ("student first name", "school name", "second school name"),
    "dashboards.overview": ("school name", "second school name"),
    "dashboards.interventions": ("school name", "second school name"),
    "messaging.new_campaign": ("school name", "second school name"),
    "needs.queue": ("need title",),
    "needs.edit_need": ("need title", "need details"),
    "outcomes.intervention": ("intervention reason", "intervention goal",
                              "intervention actions", "intervention note"),
    "outcomes.programs": ("program name",),
    "outcomes.program": ("program name", "program description"),
    "events.detail": ("event title", "event description", "event location"),
    "events.conference": ("event title",),
    "needs.request_detail": ("request subject", "request body", "request reply"),
    "messaging.review_campaign": ("campaign title",),
    "family.child": ("student first name", "interaction summary", "intervention goal",
                     "intervention actions", "behaviour description", "program name"),
    "family.events": ("event title", "event description"),
    "family.conference": ("event title", "slot location"),
    "family.requests": ("request subject",),
    "family.request_detail": ("request subject", "request body", "request reply"),
    "family.inbox": ("message subject",),
    "family.inbox_message": ("message subject", "message body", "message reply"),
}


def test_user_texts_are_shown_escaped_on_staff_and_family_pages(pages):
    missing = [(endpoint, name) for endpoint, names in SHOWN_ON.items() for name in names
               if str(escape(payload(name))) not in _html(pages[endpoint])]
    assert missing == []


# Pages that show a multi-line text through the nl2br filter.
NL2BR = (
    ("events.detail", "event description"), ("family.events", "event description"),
    ("outcomes.intervention", "intervention note"), ("outcomes.program", "program description"),
    ("family.child", "interaction summary"), ("family.request_detail", "request body"),
    ("needs.request_detail", "request reply"), ("family.inbox_message", "message reply"),
)


def test_multi_line_texts_keep_their_breaks_and_stay_escaped(pages):
    missing = []
    for endpoint, name in NL2BR:
        first, second = multiline(name).split("\n")
        if f"{escape(first)}<br>{second}" not in _html(pages[endpoint]):
            missing.append((endpoint, name))
    assert missing == []
