"""A line break in a subject cannot add a header to an email, nor stop the outbox."""

from sqlalchemy import select

from portal.extensions import db
from portal.messaging.models import Delivery, DeliveryStatus
from portal.messaging.outbox import queue_email
from portal.messaging.worker import drain
from tests.people.helpers import classroom

INJECTED = "Homework\r\nBcc: eavesdropper@example.org\u2028X-Spam: yes"


def test_a_family_s_subject_with_line_breaks_stays_one_subject_line(app, login_as, smtp_server):
    """The family's request is told to staff by email: the subject they typed (a crafted
    form may carry CR LF) is one line there, and nobody else is sent a copy."""
    room = classroom()
    sent = login_as(room.parent).post("/family/requests/new", data={
        "kind": "question", "student_id": str(room.student.id), "subject": INJECTED,
        "body": "How much is there?"})
    assert sent.status_code == 302
    assert drain().failed == 0
    assert smtp_server.messages, "the staff were told by email"
    for message in smtp_server.messages:
        assert message["Subject"].endswith(
            "Homework Bcc: eavesdropper@example.org X-Spam: yes")
        assert message["Bcc"] is None and message["X-Spam"] is None
        assert "eavesdropper" not in message["X-Envelope-To"]


def test_an_email_that_cannot_be_written_fails_alone_and_the_rest_go(app, smtp_server):
    """A header the email package refuses (here a line break in an extra header) fails that
    delivery for good; it no longer stops the worker's batch (it was an unhandled error, and
    the batch was tried again and again)."""
    classroom()
    broken = queue_email(to_address="one@example.org", subject="News", body_text="Hi",
                         kind="general", headers={"X-Note": "a\r\nBcc: other@example.org"})
    fine = queue_email(to_address="two@example.org", subject="News", body_text="Hi",
                       kind="general")
    db.session.commit()
    report = drain()
    assert (report.sent, report.failed) == (1, 1)
    assert "could not be written" in report.errors[0]
    statuses = dict(db.session.execute(select(Delivery.id, Delivery.status)).all())
    assert statuses == {broken.id: DeliveryStatus.FAILED, fine.id: DeliveryStatus.SENT}
    assert [message["To"] for message in smtp_server.messages] == ["two@example.org"]
