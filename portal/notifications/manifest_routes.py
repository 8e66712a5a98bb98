"""The installable family app: web app manifest, service worker and its offline page."""

from flask import current_app, jsonify, render_template, send_from_directory, url_for
from flask_babel import gettext as _

from portal.notifications import bp

ICON_SIZES = (192, 512)


@bp.get("/manifest.webmanifest")
def manifest():
    family_home = url_for("family.home")
    response = jsonify({
        "name": _("School portal"), "short_name": _("School"),
        "start_url": family_home, "scope": family_home, "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#0b3d6e",
        "icons": [{"src": url_for("static", filename=f"img/icon-{size}.png"),
                   "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
                  for size in ICON_SIZES],
    })
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    response = send_from_directory(current_app.static_folder, "js/sw.js",
                                   mimetype="text/javascript", max_age=0)
    # Served here, it may still control the family pages (its scope is the family portal).
    response.headers["Service-Worker-Allowed"] = url_for("family.home")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline():
    return render_template("notifications/offline.html")
