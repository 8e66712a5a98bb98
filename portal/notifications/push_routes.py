"""A family device turns Web Push on or off (JSON, CSRF token in the X-CSRFToken header)."""

from flask import abort, jsonify, request

from portal.core.permissions import guardian_required
from portal.extensions import db
from portal.family.web import my_guardian
from portal.notifications import bp
from portal.notifications.push import (
    application_server_key,
    knows_subscription,
    load_or_create_vapid_key,
    remove_subscription,
    save_subscription,
)


@bp.record_once
def _vapid_key_on_start(state) -> None:
    load_or_create_vapid_key(state.app)


@bp.app_template_global()
def push_public_key() -> str:
    """The VAPID public key the settings page hands to the browser's PushManager."""
    return application_server_key()


def _subscription_json() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("endpoint"), str):
        abort(400, description="Send the browser's subscription as JSON with an endpoint.")
    return data


@bp.post("/push/subscriptions")
@guardian_required
def subscribe():
    data = _subscription_json()
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    save_subscription(guardian=my_guardian(), endpoint=data["endpoint"],
                      p256dh=str(keys.get("p256dh", "")), auth=str(keys.get("auth", "")),
                      user_agent=request.user_agent.string)
    db.session.commit()
    return jsonify({"subscribed": True}), 201


@bp.post("/push/subscriptions/remove")
@guardian_required
def unsubscribe():
    removed = remove_subscription(guardian=my_guardian(), endpoint=_subscription_json()["endpoint"])
    db.session.commit()
    return jsonify({"subscribed": False, "removed": removed})


@bp.post("/push/subscriptions/check")
@guardian_required
def check():
    """Whether this device's subscription is still the signed-in guardian's: after a sign-out
    everywhere it is not, and the page turns the browser's off to match."""
    endpoint = _subscription_json()["endpoint"]
    return jsonify({"subscribed": knows_subscription(guardian=my_guardian(), endpoint=endpoint)})
