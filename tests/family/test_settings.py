"""Preferences, consents kept as history, and "download my family's data"."""

import csv
import io
import json
import threading
import zipfile

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.core.models import Visibility
from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.models import Message
from portal.needs.models import Feedback
from portal.outcomes.models import BehaviourIncident
from portal.people.models import Consent, Guardian
from tests import factories as f
from tests.conftest import is_postgres
from tests.family.helpers import add_day, add_grade, add_intervention, make_families
from tests.people.helpers import client_for


def test_guardian_chooses_spanish_and_email_and_the_portal_switches(app, login_as):
    families = make_families()
    db.session.commit()
    client = login_as(families.parent)
    response = client.post("/family/settings", data={"preferred_language": "es",
                                                     "preferred_channel": "sms"})
    assert response.status_code == 302
    guardian = db.session.get(Guardian, families.guardian.id)
    assert (guardian.preferred_language, guardian.preferred_channel) == ("es", "sms")
    assert db.session.get(User, families.parent.id).preferred_language == "es"
    html = client.get("/family/").get_data(as_text=True)
    assert '<html lang="es" dir="ltr">' in html and "Mis hijos" in html


def test_unknown_language_is_refused_next_to_the_field(app, login_as):
    families = make_families()
    db.session.commit()
    response = login_as(families.parent).post("/family/settings", data={
        "preferred_language": "xx", "preferred_channel": "email"})
    assert response.status_code == 400
    assert 'id="preferred_language-error" role="alert"' in response.get_data(as_text=True)
    assert db.session.get(Guardian, families.guardian.id).preferred_language == "en"


def test_consents_are_kept_as_history(app, login_as):
    families = make_families()
    db.session.commit()
    client = login_as(families.parent)
    client.post("/family/consents", data={"purpose": "photos", "grant": "1"})
    client.post("/family/consents", data={"purpose": "photos", "withdraw": "1"})
    rows = db.session.scalars(select(Consent).order_by(Consent.id)).all()
    assert [(row.purpose, row.granted) for row in rows] == [("photos", True), ("photos", False)]
    assert all(row.guardian_id == families.guardian.id for row in rows)
    html = client.get("/family/settings").get_data(as_text=True)
    assert "You did not agree" in html and "History of your answers" in html


def test_the_same_answer_again_is_not_recorded_twice(app, login_as):
    families = make_families()
    db.session.commit()
    client = login_as(families.parent)
    for choice in ("grant", "grant", "withdraw", "withdraw", "grant"):
        response = client.post("/family/consents", data={"purpose": "photos", choice: "1"},
                               follow_redirects=True)
        assert response.status_code == 200
    rows = db.session.scalars(select(Consent).order_by(Consent.id)).all()
    assert [row.granted for row in rows] == [True, False, True]
    assert "That is already your answer." not in response.get_data(as_text=True)
    again = client.post("/family/consents", data={"purpose": "photos", "grant": "1"},
                        follow_redirects=True)
    assert "That is already your answer." in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Consent)) == 3


@pytest.mark.postgres_only
def test_four_tabs_giving_the_same_answer_at_once_record_it_once(app):
    if not is_postgres():
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    families = make_families()
    db.session.commit()
    tabs = [client_for(app, families.parent) for _ in range(4)]
    db.session.remove()
    barrier = threading.Barrier(len(tabs))

    def press(tab):
        barrier.wait()
        tab.post("/family/consents", data={"purpose": "photos", "grant": "1"})

    threads = [threading.Thread(target=press, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert db.session.scalar(select(func.count()).select_from(Consent)) == 1


def test_unknown_consent_purpose_is_refused(app, login_as):
    families = make_families()
    db.session.commit()
    response = login_as(families.parent).post("/family/consents", data={"purpose": "selling",
                                                                        "grant": "1"})
    assert response.status_code == 302
    assert db.session.scalars(select(Consent)).all() == []


def _download(client) -> dict:
    response = client.get("/family/my-data.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    tables = json.loads(archive.read("family.json"))["tables"]
    children = list(csv.DictReader(io.StringIO(archive.read("children.csv").decode())))
    assert [row["first_name"] for row in children] == [c["first_name"] for c in tables["children"]]
    return tables


def _everyone_has_records(families) -> None:
    for student, guardian in ((families.child, families.guardian),
                              (families.other_child, families.other_guardian)):
        add_day(student, utcnow().date(), "absent_excused", f"Reason of {student.first_name}")
        add_grade(student, families.section, 0, 77)
        add_intervention(student, f"Shared plan of {student.first_name}")
        add_intervention(student, f"Staff plan of {student.first_name}",
                         visibility=Visibility.STAFF)
        f.make_interaction(student, families.teacher, summary=f"Note on {student.first_name}")
        db.session.add(BehaviourIncident(student_id=student.id, occurred_at=utcnow(),
                                         category="effort", description="Shared praise",
                                         visibility=Visibility.FAMILY))
        db.session.add(Message(guardian_id=guardian.id, student_id=student.id,
                               subject=f"Letter about {student.first_name}", body_text="..."))
        db.session.add(Feedback(school_id=families.school.id, guardian_id=guardian.id,
                                kind="question", subject=f"Question of {guardian.first_name}",
                                body="?"))
        db.session.add(Consent(guardian_id=guardian.id, purpose="photos", granted=True))


def test_download_holds_my_family_and_only_what_the_family_may_see(app, login_as):
    families = make_families()
    hidden = f.make_student(families.school, first_name="Hidden")
    f.link(hidden, families.guardian, may_receive_information=False)
    add_day(hidden, utcnow().date(), "absent_unexcused", "Reason of Hidden")
    _everyone_has_records(families)
    db.session.commit()
    tables = _download(login_as(families.parent))
    text = json.dumps(tables)
    assert {row["first_name"] for row in tables["children"]} == {"Maya", "Leo"}
    assert tables["guardian"][0]["email"] == "ana@example.org"
    assert "Reason of Maya" in text and "Shared plan of Maya" in text
    assert "Letter about Maya" in text and "Shared praise" in text
    assert len(tables["consents"]) == 1 and len(tables["requests"]) == 1
    for never in ("Zoe", "Hidden", "Staff plan", "Note on Maya", "sam@example.org",
                  "Question of Parent"):
        assert never not in text


def _csv_cells(archive: zipfile.ZipFile) -> dict[str, list[str]]:
    return {name: [cell for row in csv.reader(io.StringIO(archive.read(name).decode()))
                   for cell in row]
            for name in archive.namelist() if name.endswith(".csv")}


def test_no_csv_of_the_download_holds_a_formula_a_spreadsheet_would_run(app, login_as):
    families = make_families()
    families.guardian.phone = "+1 555 0100"
    f.make_interaction(families.child, families.teacher, visibility=Visibility.FAMILY,
                       summary='=HYPERLINK("http://evil.example","Open")', outcome="@SUM(A1)")
    add_intervention(families.child, "-2 days of homework")
    db.session.add(Feedback(school_id=families.school.id, guardian_id=families.guardian.id,
                            kind="question", subject="\t=1+1", body="\r=cmd"))
    db.session.commit()
    response = login_as(families.parent).get("/family/my-data.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    cells = _csv_cells(archive)
    assert "'=HYPERLINK(\"http://evil.example\",\"Open\")" in cells["interactions.csv"]
    assert "'@SUM(A1)" in cells["interactions.csv"]
    assert "'+1 555 0100" in cells["guardian.csv"]
    assert "'-2 days of homework" in cells["interventions.csv"]
    assert {"'\t=1+1", "'\r=cmd"} <= set(cells["requests.csv"])
    for name, values in cells.items():
        assert not [v for v in values if v[:1] in ("=", "+", "-", "@", "\t", "\r")], name
    tables = json.loads(archive.read("family.json"))["tables"]
    assert tables["interactions"][0]["summary"].startswith("=HYPERLINK")  # JSON keeps the text
