"""A translated text's counts (%(num)d and the like) are written the way the reader's language
writes numbers, in Python and in templates, and the plural is still chosen by the number."""

import pytest
from flask_babel import force_locale, gettext, lazy_gettext, ngettext

from portal.students import routes
from tests.people.helpers import classroom

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(("language", "students", "page"), [
    ("en", "12,345 students", "Page 1 of 2,000"),
    ("de", "12.345 Schüler/innen", "Seite 1 von 2.000"),
    ("fr", f"12{NNBSP}345 élèves", f"Page 1 sur 2{NNBSP}000"),
    ("fa", "۱۲٬۳۴۵ دانش‌آموز", "صفحه ۱ از ۲٬۰۰۰"),  # Persian digits, as every number
])
def test_counts_in_python_texts_follow_the_language(app, language, students, page):
    with app.test_request_context(), force_locale(language):
        assert ngettext("%(num)d student", "%(num)d students", 12345) == students
        assert gettext("Page %(page)d of %(pages)d", page=1, pages=2000) == page
        assert str(lazy_gettext("Page %(page)d of %(pages)d", page=1, pages=2000)) == page


def test_the_plural_is_still_chosen_by_the_number(app):
    with app.test_request_context(), force_locale("cs"):  # three plural forms
        assert ngettext("%(num)d student", "%(num)d students", 3) == "3 žáci"
        assert ngettext("%(num)d student", "%(num)d students", 12345) == f"12{NBSP}345 žáků"


def test_template_texts_write_counts_and_still_escape_their_variables(app):
    template = app.jinja_env.from_string(
        "{{ ngettext('%(num)d student', '%(num)d students', total) }}|"
        "{{ _('%(name)s: %(num)d parent events or conferences missed', name=name, num=total) }}|"
        "{{ _('Keep the share small (10 %% is the default) and the weeks few: enough to measure,"
        " no more.') }}")
    with app.test_request_context(), force_locale("en"):
        shown = template.render(total=1234, name="<b>Ana</b>")
    assert shown == ("1,234 students|&lt;b&gt;Ana&lt;/b&gt;: 1,234 parent events or conferences "
                     "missed|Keep the share small (10 % is the default) and the weeks few: "
                     "enough to measure, no more.")


def test_the_student_list_counts_a_districts_students_with_separators(app, login_as,
                                                                       monkeypatch):
    room = classroom()
    monkeypatch.setattr(routes, "find_students", lambda *args, **kwargs: ([], 12345))
    page = login_as(room.admin).get("/students").get_data(as_text=True)
    assert "12,345 students" in page and "Page 1 of 247" in page
    assert "12345" not in page
