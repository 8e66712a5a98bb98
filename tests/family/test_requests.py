"""Requests and feedback: a guardian writes to the school and sees the answers."""

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.core.time import utcnow
from portal.extensions import db
from portal.needs.models import Feedback, FeedbackReply
from tests import factories as f
from tests.family.helpers import make_families


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _form(**fields) -> dict:
    return {"kind": "question", "student_id": "", "subject": "Homework",
            "body": "How much homework is expected?", **fields}


def test_guardian_asks_about_a_child_and_staff_get_it(app, login_as):
    families = make_families()
    db.session.commit()
    client = login_as(families.parent)
    form_page = client.get(f"/family/requests/new?student_id={families.child.id}")
    assert f'<option selected value="{families.child.id}">Maya Lopez' in form_page.get_data(
        as_text=True)
    response = client.post("/family/requests/new", data=_form(student_id=families.child.id))
    assert response.status_code == 302
    feedback = db.session.scalars(select(Feedback)).one()
    assert (feedback.guardian_id, feedback.student_id, feedback.school_id, feedback.status) == (
        families.guardian.id, families.child.id, families.school.id, "new")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "feedback"))
    assert "Homework" in client.get("/family/requests").get_data(as_text=True)


def test_guardian_writes_about_the_school_in_general(app, login_as):
    families = make_families()
    db.session.commit()
    login_as(families.parent).post("/family/requests/new", data=_form(kind="complaint"))
    feedback = db.session.scalars(select(Feedback)).one()
    assert feedback.student_id is None and feedback.kind == "complaint"


def test_request_about_another_familys_child_is_refused_and_nothing_stored(app, login_as):
    families = make_families()
    hidden = f.make_student(families.school)
    f.link(hidden, families.guardian, may_receive_information=False)
    db.session.commit()
    client = login_as(families.parent)
    for foreign in (families.other_child.id, hidden.id, 999999):
        response = client.post("/family/requests/new", data=_form(student_id=foreign))
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert 'id="student_id-error" role="alert">You can only write about your own children' \
            in html
    assert _count(Feedback) == 0


def test_missing_subject_is_announced_next_to_the_field(app, login_as):
    families = make_families()
    db.session.commit()
    response = login_as(families.parent).post("/family/requests/new", data=_form(subject=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="subject-error" role="alert">Write a short subject.' in html
    assert 'aria-describedby="subject-error"' in html
    assert _count(Feedback) == 0


def _feedback(guardian, student=None, **fields) -> Feedback:
    feedback = Feedback(school_id=guardian.school_id, guardian_id=guardian.id,
                        student_id=student.id if student else None, kind="question",
                        subject=fields.pop("subject", "Bus times"), body="When?", **fields)
    db.session.add(feedback)
    db.session.flush()
    return feedback


def test_guardian_sees_status_and_staff_replies(app, login_as):
    families = make_families()
    feedback = _feedback(families.guardian, families.child, status="answered")
    db.session.add(FeedbackReply(feedback_id=feedback.id, author_id=families.teacher.id,
                                 body="The bus leaves at 3:15.", created_at=utcnow()))
    db.session.commit()
    html = login_as(families.parent).get(f"/family/requests/{feedback.id}").get_data(as_text=True)
    assert "Status: Answered" in html
    assert "Ms Rivera from the school" in html and "The bus leaves at 3:15." in html


def test_guardian_replies_and_the_request_opens_again(app, login_as):
    families = make_families()
    feedback = _feedback(families.guardian, status="answered")
    db.session.commit()
    client = login_as(families.parent)
    response = client.post(f"/family/requests/{feedback.id}",
                           data={"body": "Thanks, and on Friday?"})
    assert response.status_code == 302
    reply = db.session.scalars(select(FeedbackReply)).one()
    assert reply.author_id == families.parent.id
    assert db.session.get(Feedback, feedback.id).status == "in_progress"


def test_closed_request_takes_no_more_replies(app, login_as):
    families = make_families()
    feedback = _feedback(families.guardian, status="closed")
    db.session.commit()
    response = login_as(families.parent).post(f"/family/requests/{feedback.id}",
                                              data={"body": "One more thing"})
    assert response.status_code == 400
    assert "This request is closed" in response.get_data(as_text=True)
    assert _count(FeedbackReply) == 0


def test_guardian_cannot_read_or_answer_another_familys_request(app, login_as):
    families = make_families()
    theirs = _feedback(families.other_guardian, families.other_child, subject="Private matter")
    db.session.commit()
    client = login_as(families.parent)
    assert client.get(f"/family/requests/{theirs.id}").status_code == 404
    assert client.post(f"/family/requests/{theirs.id}", data={"body": "x"}).status_code == 404
    assert "Private matter" not in client.get("/family/requests").get_data(as_text=True)
    assert _count(FeedbackReply) == 0


def test_request_about_a_child_no_longer_shared_is_hidden(app, login_as):
    families = make_families()
    feedback = _feedback(families.guardian, families.child, subject="Old question")
    families.guardian.student_links[0].may_receive_information = False
    db.session.commit()
    client = login_as(families.parent)
    assert client.get(f"/family/requests/{feedback.id}").status_code == 404
    assert "Old question" not in client.get("/family/requests").get_data(as_text=True)
