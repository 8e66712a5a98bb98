"""Short messages through a configurable HTTP gateway (SMS_GATEWAY_URL, _TOKEN, _PAYLOAD_TEMPLATE).

The payload template is text with $to and $message placeholders, filled in JSON-escaped,
so most gateways' JSON bodies can be described without code.
"""

import json
import urllib.error
import urllib.request
from string import Template

from flask import current_app

DEFAULT_PAYLOAD = '{"to": "$to", "message": "$message"}'


class GatewayError(Exception):
    """The gateway did not take the message; `permanent` says whether to try again."""

    def __init__(self, reason: str, *, permanent: bool):
        super().__init__(reason)
        self.permanent = permanent


def _json_escaped(value: str) -> str:
    return json.dumps(value)[1:-1]


def build_payload(*, to: str, message: str, template: str | None = None) -> bytes:
    """Fill the gateway's payload template with the recipient and the text."""
    filled = Template(template or DEFAULT_PAYLOAD).safe_substitute(
        to=_json_escaped(to), message=_json_escaped(message))
    return filled.encode("utf-8")


def send_sms(*, to: str, message: str) -> None:
    """Hand one short message to the gateway, or raise GatewayError."""
    config = current_app.config
    headers = {"Content-Type": "application/json"}
    if config.get("SMS_GATEWAY_TOKEN"):
        headers["Authorization"] = f"Bearer {config['SMS_GATEWAY_TOKEN']}"
    request = urllib.request.Request(
        config["SMS_GATEWAY_URL"], method="POST", headers=headers,
        data=build_payload(to=to, message=message, template=config.get("SMS_PAYLOAD_TEMPLATE")))
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            response.read()
    except urllib.error.HTTPError as error:
        # 4xx means the request itself is wrong (number, credentials); 429 and 5xx may pass.
        permanent = 400 <= error.code < 500 and error.code != 429
        raise GatewayError(f"SMS gateway answered {error.code} {error.reason}",
                           permanent=permanent) from error
    except (urllib.error.URLError, OSError) as error:
        raise GatewayError(f"Could not reach the SMS gateway: {error}", permanent=False) from error
