"""The SMS provider's inbound webhook: families' STOP and START replies."""

import hmac

from flask import abort, current_app, jsonify, request

from portal.extensions import csrf, db
from portal.messaging import bp
from portal.messaging.sms_replies import record_sms_reply


@bp.post("/sms/inbound/<token>")
@csrf.exempt
def sms_inbound(token: str):
    expected = current_app.config.get("SMS_INBOUND_TOKEN")
    if not expected or not hmac.compare_digest(token, expected):
        abort(404)
    data = request.get_json(silent=True) or request.form
    phone = data.get("From") or data.get("from") or data.get("msisdn")
    text = data.get("Body") or data.get("body") or data.get("text")
    if not phone or text is None:
        abort(400, description="Send the sender's number (From) and the text (Body).")
    outcome = record_sms_reply(phone=str(phone), text=str(text))
    db.session.commit()
    return jsonify({"recorded": outcome})
