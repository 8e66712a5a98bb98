"""A Web Push service on the loopback interface that decrypts what it receives (RFC 8291/8030).

Each device the test makes has its own P-256 key pair and auth secret, exactly as a
browser's PushManager would; the server decrypts every push with the device's private key.
"""

import base64
import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@dataclass
class Device:
    """A browser's subscription: the endpoint on the test server and the device's keys."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def subscription_json(self) -> dict:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64url(public),
                                                   "auth": b64url(self.auth)}}


@dataclass
class Received:
    """One push as the service received it, decrypted."""

    path: str
    headers: dict
    payload: dict


class PushService:
    """The state of the loopback push service: its devices, answers and received pushes."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.devices: dict[str, Device] = {}
        self.answers: dict[str, int] = {}
        self.received: list[Received] = []

    def new_device(self, name: str) -> Device:
        device = Device(endpoint=f"{self.base_url}/push/{name}")
        self.devices[f"/push/{name}"] = device
        return device

    def decrypt(self, path: str, body: bytes, encoding: str) -> dict:
        device = self.devices[path]
        plain = http_ece.decrypt(body, private_key=device.private_key,
                                 auth_secret=device.auth, version=encoding)
        return json.loads(plain)


def _handler(service: PushService):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = service.answers.get(self.path, 201)
            if status == 201:
                payload = service.decrypt(self.path, body, self.headers["Content-Encoding"])
                service.received.append(Received(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, payload))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def push_service():
    """Start the loopback push service for one test."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    service = PushService(f"http://127.0.0.1:{server.server_port}")
    server.RequestHandlerClass = _handler(service)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield service
    server.shutdown()
    server.server_close()
