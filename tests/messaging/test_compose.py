"""A guardian's email is kept as its inbox copy and written by the worker when it is sent."""

from urllib.parse import urlparse

from sqlalchemy import delete, select, update

from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging import compose
from portal.messaging.attempts import PermanentFailure
from portal.messaging.compose import GuardianEmails
from portal.messaging.models import Delivery, Message, NotificationPreference
from portal.messaging.outbox import queue_email
from portal.messaging.services import notify_guardian
from portal.messaging.worker import Mailer, claim_due, claimed, drain
from tests.messaging.helpers import school_with_families


def _sent_to(smtp_server, address: str):
    """Return the one email sent to this address, its text and its HTML (or None)."""
    (message,) = [message for message in smtp_server.messages
                  if message["X-Envelope-To"] == address]
    html = message.get_body(("html",))
    return (message, message.get_body(("plain",)).get_content().replace("\r\n", "\n"),
            html.get_content().replace("\r\n", "\n") if html is not None else None)


def test_the_email_is_queued_without_a_body_and_sent_as_the_inbox_copy_in_the_layout(
        app, smtp_server, client):
    world = school_with_families(name="Riverside School")
    notify_guardian(guardian=world.mum, kind="general", subject="Excursión",
                    body_text="La excursión es el viernes.\nTraigan <agua> & gorra.")
    db.session.commit()
    queued = db.session.scalar(select(Delivery).where(Delivery.channel == "email"))
    assert (queued.body_text, queued.body_html, queued.headers) == (None, None, {})

    assert drain().sent == 1
    message, text, html = _sent_to(smtp_server, "mum@example.org")
    assert message["Subject"] == "Excursión"
    assert text.startswith("La excursión es el viernes.\nTraigan <agua> & gorra.")
    assert "Riverside School" in text and "Leer todos los mensajes" in text  # Spanish layout
    assert "Traigan &lt;agua&gt; &amp; gorra." in html and "Riverside School" in html
    link = message["List-Unsubscribe"].strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Dejar de recibir este tipo de aviso: {link}" in text
    # The link is this guardian's own, for this kind of update.
    assert client.post(urlparse(link).path, data={"List-Unsubscribe": "One-Click"}).status_code \
        in (200, 303)
    preference = db.session.scalar(select(NotificationPreference))
    assert (preference.guardian_id, preference.kind, preference.enabled) == \
        (world.mum.id, "general", False)
    # What was sent is not stored a second time.
    assert db.session.get(Delivery, queued.id).body_text is None


def test_an_urgent_email_has_no_unsubscribe_link(app, smtp_server):
    world = school_with_families()
    notify_guardian(guardian=world.gran, kind="urgent", subject="School closed",
                    body_text="The school is closed today.")
    db.session.commit()
    assert drain().sent == 1
    message, text, _ = _sent_to(smtp_server, "gran@example.org")
    assert message["List-Unsubscribe"] is None and "/unsubscribe/" not in text
    assert text.startswith("The school is closed today.")


def test_an_email_queued_with_its_body_goes_as_it_was_written(app, smtp_server):
    world = school_with_families()
    queue_email(to_address="teacher@example.org", subject="New request",
                body_text="Ana's mother asked for a meeting.", kind="general",
                user_id=world.teacher.id)
    notify_guardian(guardian=world.mum, kind="general", subject="Old", body_text="From the inbox")
    notify_guardian(guardian=world.gran, kind="general", subject="New", body_text="Written now")
    db.session.commit()
    # An email queued before bodies were written at sending keeps the body it was queued with.
    written = db.session.scalar(select(Delivery).where(Delivery.guardian_id == world.mum.id,
                                                       Delivery.channel == "email"))
    written.body_text, written.body_html = "Written when queued", "<p>Written when queued</p>"
    db.session.commit()
    assert drain().sent == 3
    _, staff_text, staff_html = _sent_to(smtp_server, "teacher@example.org")
    assert (staff_text.strip(), staff_html) == ("Ana's mother asked for a meeting.", None)
    _, text, html = _sent_to(smtp_server, "mum@example.org")
    assert text.strip() == "Written when queued" and html.strip() == "<p>Written when queued</p>"
    assert _sent_to(smtp_server, "gran@example.org")[1].startswith("Written now\n\n--\n")


def test_each_schools_layout_is_rendered_once_a_language_for_a_whole_pass(
        app, smtp_server, monkeypatch):
    world = school_with_families()
    rendered = []
    real = compose.render_template
    monkeypatch.setattr(compose, "render_template",
                        lambda name, **context: rendered.append(name) or real(name, **context))
    for number in range(3):
        for guardian in (world.mum, world.gran):
            notify_guardian(guardian=guardian, kind="general", subject=f"News {number}",
                            body_text=f"News number {number}.")
    db.session.commit()
    assert drain(batch_size=2).sent == 6
    # Spanish (Maria) and French (Gisele): a text and an HTML layout each, in three batches.
    assert sorted(rendered) == ["email/update.html"] * 2 + ["email/update.txt"] * 2
    first_lines = sorted((message["X-Envelope-To"],
                          message.get_body(("plain",)).get_content().splitlines()[0])
                         for message in smtp_server.messages)
    assert first_lines == sorted((address, f"News number {number}.") for number in range(3)
                                 for address in ("mum@example.org", "gran@example.org"))


def test_an_email_that_cannot_be_written_waits_and_the_rest_of_the_batch_goes(
        app, smtp_server, monkeypatch):
    """A broken layout or translation (here: the Spanish one) fails that email alone, as a
    temporary failure with its reason; it goes once the layout is mended."""
    world = school_with_families()
    for guardian in (world.mum, world.gran):
        notify_guardian(guardian=guardian, kind="general", subject="Trip", body_text="Friday.")
    db.session.commit()
    real = compose._email_parts

    def broken_in_spanish(guardian, **parts):
        if guardian.preferred_language == "es":
            raise KeyError("name")  # a translation that lost its %(name)s
        return real(guardian, **parts)

    monkeypatch.setattr(compose, "_email_parts", broken_in_spanish)
    report = drain()
    assert (report.sent, report.retried) == (1, 1)
    assert [message["X-Envelope-To"] for message in smtp_server.messages] == ["gran@example.org"]
    waiting = db.session.scalar(select(Delivery).where(Delivery.guardian_id == world.mum.id,
                                                       Delivery.channel == "email"))
    assert (waiting.status, waiting.attempts, waiting.locked_until) == ("queued", 1, None)
    assert "Could not write the email in the school's layout: KeyError('name')" in \
        waiting.last_error
    monkeypatch.setattr(compose, "_email_parts", real)
    waiting.next_attempt_at = utcnow()
    db.session.commit()
    assert drain().sent == 1
    assert _sent_to(smtp_server, "mum@example.org")[1].startswith("Friday.")


def test_an_email_whose_inbox_copy_went_after_the_claim_is_failed_not_sent_empty(app):
    world = school_with_families()
    notify_guardian(guardian=world.mum, kind="general", subject="Trip", body_text="Friday.")
    db.session.commit()
    (row,) = claimed(claim_due(limit=10, channel="email"))
    db.session.execute(update(Delivery).values(message_id=None))
    db.session.execute(delete(Message))
    (written,) = GuardianEmails()([row])
    failure = Mailer().send(written)
    assert isinstance(failure, PermanentFailure)
    assert str(failure) == "The message was withdrawn before it was sent."
    # Read again, the delivery names no inbox copy at all: alone in its batch, it fails too.
    (unlinked,) = GuardianEmails()(claimed([row.id]))
    assert (unlinked.message_id, str(Mailer().send(unlinked))) == (
        None, "The message was withdrawn before it was sent.")


def test_a_persian_family_s_email_reads_right_to_left(app, smtp_server):
    """The layout says the family's language and its direction: a Persian email otherwise
    reads left to right in mail programs."""
    world = school_with_families(name="Riverside School")
    world.mum.preferred_language = "fa"
    world.gran.preferred_language = "en"
    for guardian in (world.mum, world.gran):
        notify_guardian(guardian=guardian, kind="general", subject="Trip", body_text="Friday.")
    db.session.commit()
    drain()
    assert '<html lang="fa" dir="rtl">' in _sent_to(smtp_server, "mum@example.org")[2]
    assert '<html lang="en" dir="ltr">' in _sent_to(smtp_server, "gran@example.org")[2]
