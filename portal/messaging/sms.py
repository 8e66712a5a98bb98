"""Short messages through Apprise: one URL setting (SMS_APPRISE_URL) reaches any SMS provider.

The guardian's number replaces `{to}` in the URL, e.g.
`twilio://SID:TOKEN@+15550000000/{to}`, `vonage://KEY:SECRET@+15550000000/{to}`,
`sns://KEY_ID/SECRET/us-east-1/{to}`, or a JSON webhook
`json://gateway.example/sms?:to={to}` (Apprise posts {"title", "message", ..., "to"}).
"""

import logging
import re
from urllib.parse import quote

import apprise
from flask import current_app


class GatewayError(Exception):
    """The provider did not take the message; `permanent` says whether to try again."""

    def __init__(self, reason: str, *, permanent: bool):
        super().__init__(reason)
        self.permanent = permanent


def provider_url(to: str) -> str:
    """Return the configured Apprise URL addressed to one phone number."""
    return current_app.config["SMS_APPRISE_URL"].replace("{to}", quote(to, safe=""))


def send_sms(*, to: str, message: str) -> None:
    """Hand one short message to the provider through Apprise, or raise GatewayError."""
    notifier = apprise.Apprise()
    if not notifier.add(provider_url(to)):
        raise GatewayError("SMS_APPRISE_URL is not a URL Apprise understands", permanent=True)
    with apprise.LogCapture(level=logging.WARNING) as log:
        if notifier.notify(body=message, title=""):
            return
        reason = log.getvalue().strip()
    raise GatewayError(f"The SMS provider refused the message: {reason or 'no reason given'}",
                       permanent=_is_permanent(reason))


def _is_permanent(reason: str) -> bool:
    """A 4xx (but 429) means the request itself is wrong (number, credentials, opted out)."""
    codes = [int(code) for code in re.findall(r"error=(\d{3})", reason)]
    return bool(codes) and all(400 <= code < 500 and code != 429 for code in codes)
