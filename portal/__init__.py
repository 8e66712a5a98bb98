"""The school–family portal: create_app() builds the Flask application."""

import gc
import importlib
import os
import pkgutil

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import ProductionConfig, config_named

FEATURES = (
    "auth", "people", "interactions", "needs", "events", "outcomes", "messaging",
    "risk", "students", "dashboards", "family", "imports", "privacy", "audit", "health",
    "notifications", "demo",
)


def create_app(config: type | str | None = None) -> Flask:
    """Build the portal application from a config class (or its name in CONFIGS)."""
    if config is None:
        config = os.environ.get("PORTAL_CONFIG", "default")
    if isinstance(config, str):
        config = config_named(config)
    if issubclass(config, ProductionConfig):
        config.check()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_path=config.INSTANCE_PATH,
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    app.config.from_object(config)
    os.makedirs(app.instance_path, exist_ok=True)
    register_security(app)
    register_extensions(app)
    register_input_checks(app)
    register_features(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    return app


def freeze_start_up() -> None:
    """Take what start-up made (modules, classes, the app: about 180,000 objects) out of the
    garbage collector's way, once a server process has built its app (portal/wsgi.py).

    Python's full collection walks every object it tracks; with start-up's among them one
    takes about 110 ms, inside whichever request happens to trigger it (two requests in
    twenty on the district's dashboard). Frozen, they are never walked again; they live as
    long as the process anyway.
    """
    gc.collect()
    gc.freeze()


def register_security(app: Flask) -> None:
    """Make sure sessions are signed with a private key; trust the configured proxies."""
    from portal.core.secret_key import load_or_create_secret_key

    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = load_or_create_secret_key(app.instance_path)
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def register_extensions(app: Flask) -> None:
    """Bind the extensions of portal.extensions to this app."""
    from portal import models  # noqa: F401 — every model, for SQLAlchemy and Alembic
    from portal.core.locale import select_locale, select_timezone
    from portal.core.planner import plan_without_jit
    from portal.extensions import babel, csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            plan_without_jit(engine)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
                     render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=os.path.join(app.root_path, "translations"))


def register_input_checks(app: Flask) -> None:
    """Bound the URL converters (before any route is added) and check every request's input."""
    from portal.core import params, urls

    urls.register_converters(app)
    params.register(app)


def register_features(app: Flask) -> None:
    """Register each feature's blueprint, its CLI commands and its signal listeners."""
    for name in FEATURES:
        package = importlib.import_module(f"portal.{name}")
        for module in _route_modules(package):  # attach the views to package.bp
            importlib.import_module(module)
        if hasattr(package, "bp"):
            app.register_blueprint(package.bp)
        for command in getattr(_optional_module(f"portal.{name}.cli"), "commands", ()):
            app.cli.add_command(command)
        listeners = _optional_module(f"portal.{name}.listeners")
        if listeners is not None:
            listeners.connect()


def _route_modules(package) -> list[str]:
    """Return the package's routes.py and any *_routes.py modules (a feature may split)."""
    names = [info.name for info in pkgutil.iter_modules(package.__path__)]
    return [f"{package.__name__}.{name}" for name in sorted(names)
            if name == "routes" or name.endswith("_routes")]


def _optional_module(dotted: str):
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError as error:
        if error.name != dotted:
            raise
        return None


def register_error_handlers(app: Flask) -> None:
    """Turn domain errors and HTTP errors into pages (or JSON)."""
    from portal.core.errors import register_error_handlers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    """Make the shared filters and globals available in every template."""
    from portal.core.templating import register

    register(app)


def register_security_headers(app: Flask) -> None:
    """Send the browser's security headers (CSP, HSTS in production, ...) on every response."""
    from portal.core.security_headers import register

    register(app)
