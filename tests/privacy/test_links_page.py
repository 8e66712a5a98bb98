"""The privacy page ends one family link (custody changed) and makes people and links active
again, audited like deactivation."""

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.people.models import Guardian, StudentGuardian
from tests.factories import make_family
from tests.privacy.test_routes import _family


def _link(student, guardian) -> StudentGuardian:
    return db.session.scalar(select(StudentGuardian).where(
        StudentGuardian.student_id == student.id, StudentGuardian.guardian_id == guardian.id))


def _events(action: str) -> list[tuple[str, int]]:
    return [(e.object_type, e.object_id) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def test_one_link_ends_and_comes_back(app, login_as):
    school, _user, guardian, student, admin = _family()
    _other_user, other = make_family(school, student, first_name="Quentin")
    db.session.commit()
    ended, kept = _link(student, guardian), _link(student, other)
    client = login_as(admin)
    page = client.get(f"/privacy/students/{student.id}").get_data(as_text=True)
    assert f"/links/{ended.id}/end" in page and "Quentin" in page
    url = f"/privacy/students/{student.id}/links/{ended.id}/end"
    refused = client.post(url, data={"reason": ""})
    assert refused.status_code == 400  # the error shows beside that link's own field
    assert f'id="link{ended.id}-reason-error"' in refused.get_data(as_text=True)
    response = client.post(url, data={"reason": "custody changed"})
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(StudentGuardian, ended.id).is_active
    assert db.session.get(StudentGuardian, kept.id).is_active
    assert db.session.get(Guardian, guardian.id).is_active  # the person stays active
    assert _events("deactivate") == [("guardian_link", ended.id)]
    page = client.get(f"/privacy/guardians/{guardian.id}").get_data(as_text=True)
    assert "custody changed" in page and f"/links/{ended.id}/restore" in page
    restore = f"/privacy/guardians/{guardian.id}/links/{ended.id}/restore"
    assert client.post(restore, data={}).status_code == 302
    db.session.expire_all()
    assert db.session.get(StudentGuardian, ended.id).is_active
    assert _events("reactivate") == [("guardian_link", ended.id)]


def test_a_link_of_someone_else_is_not_found(app, login_as):
    school, _user, guardian, student, admin = _family()
    _other_user, other = make_family(school, student)
    db.session.commit()
    url = f"/privacy/guardians/{guardian.id}/links/{_link(student, other).id}/end"
    assert login_as(admin).post(url, data={"reason": "x"}).status_code == 404
    assert _link(student, other).is_active


def test_a_deactivated_guardian_is_made_active_again(app, login_as):
    *_, guardian, _student, admin = _family()
    client = login_as(admin)
    url = f"/privacy/guardians/{guardian.id}"
    assert "/reactivate" not in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/reactivate", data={}).status_code == 400  # already active
    client.post(f"{url}/deactivate", data={"reason": "moved away"})
    assert "/reactivate" in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/reactivate", data={}).status_code == 302
    db.session.expire_all()
    person = db.session.get(Guardian, guardian.id)
    assert person.is_active and person.inactive_reason is None
    assert _events("reactivate") == [("guardian", guardian.id)]
