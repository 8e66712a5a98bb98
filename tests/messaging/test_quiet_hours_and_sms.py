"""Quiet hours in the guardian's time zone; urgent notices by SMS through Apprise."""

import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.messaging.models import Delivery, DeliveryStatus
from portal.messaging.quiet_hours import next_sending_time
from portal.messaging.services import notify_guardian
from portal.messaging.worker import drain
from tests import factories as f


def test_inside_the_window_a_message_goes_at_once():
    noon_in_new_york = datetime(2026, 11, 23, 17, 0)  # UTC
    assert next_sending_time(noon_in_new_york, timezone="America/New_York",
                             start_hour=7, end_hour=20) == noon_in_new_york


def test_late_evening_waits_for_next_morning_in_the_guardians_zone():
    late = datetime(2026, 11, 24, 3, 30)  # 22:30 in New York on the 23rd
    assert next_sending_time(late, timezone="America/New_York", start_hour=7,
                             end_hour=20) == datetime(2026, 11, 24, 12, 0)  # 07:00 local


def test_early_morning_waits_for_the_same_day():
    early = datetime(2026, 11, 23, 4, 0)  # 05:00 in Paris
    assert next_sending_time(early, timezone="Europe/Paris", start_hour=7,
                             end_hour=20) == datetime(2026, 11, 23, 6, 0)


def test_non_urgent_email_is_held_but_urgent_goes_now(app):
    school = f.make_school(timezone="UTC", sending_window_start_hour=7, sending_window_end_hour=8)
    guardian = f.make_guardian(school, timezone="Asia/Tokyo")
    at_night = datetime(2026, 11, 23, 15, 0)  # 00:00 in Tokyo
    notify_guardian(guardian=guardian, kind="general", subject="News", body_text="x",
                    not_before=at_night)
    notify_guardian(guardian=guardian, kind="urgent", subject="Closed", body_text="x",
                    not_before=at_night)
    due = dict(db.session.execute(select(Delivery.kind, Delivery.next_attempt_at)).all())
    assert due == {"general": datetime(2026, 11, 23, 22, 0), "urgent": at_night}


class Gateway(BaseHTTPRequestHandler):
    received: list = []
    answer = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Gateway.received.append((self.path, self.headers.get("X-Api-Key"), json.loads(body)))
        self.send_response(Gateway.answer)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_gateway(app):
    """A local HTTP server as the SMS provider, reached through Apprise's JSON webhook."""
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    Gateway.received, Gateway.answer = [], 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(SMS_APPRISE_URL=f"json://127.0.0.1:{server.server_port}/send"
                                      "?:to={to}&+X-Api-Key=secret-token")
    yield Gateway
    server.shutdown()


def _urgent_for(phone: str):
    school = f.make_school()
    guardian = f.make_guardian(school, phone=phone, email=None)
    notify_guardian(guardian=guardian, kind="urgent", subject="School closed",
                    body_text='Snow "today"; stay home.')
    notify_guardian(guardian=guardian, kind="general", subject="Newsletter", body_text="x")
    db.session.commit()


def test_urgent_notice_goes_through_the_sms_gateway(app, sms_gateway):
    _urgent_for("+15550100")
    assert drain().sent == 1
    (path, api_key, payload), = sms_gateway.received
    assert path == "/send" and api_key == "secret-token"
    assert payload["to"] == "+15550100"
    assert payload["message"] == 'School closed: Snow "today"; stay home.'
    assert db.session.scalar(select(Delivery.status)) == DeliveryStatus.SENT


def test_gateway_refusal_is_a_permanent_failure_with_reason(app, sms_gateway):
    sms_gateway.answer = 400
    _urgent_for("not-a-number")
    assert drain().failed == 1
    delivery = db.session.scalar(select(Delivery))
    assert delivery.status == DeliveryStatus.FAILED and "400" in delivery.last_error


def test_gateway_down_keeps_the_sms_queued(app, sms_gateway):
    sms_gateway.answer = 503
    _urgent_for("+15550101")
    assert drain().retried == 1
    assert db.session.scalar(select(Delivery.status)) == DeliveryStatus.QUEUED
