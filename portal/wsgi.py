"""The portal as a web server runs it: `gunicorn portal.wsgi:app` (docs/deployment.md).

The app is built from the environment (PORTAL_CONFIG, DATABASE_URL, …) as create_app()
does, then start-up's objects are frozen out of the garbage collector's way.
"""

from portal import create_app, freeze_start_up

app = create_app()
freeze_start_up()
