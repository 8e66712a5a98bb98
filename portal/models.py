"""Import every feature's models so SQLAlchemy and Alembic see the whole schema."""

import importlib

from portal import FEATURES


def load_all_models() -> None:
    """Import portal.<feature>.models for every feature that has one."""
    for name in ("core", *FEATURES):
        try:
            importlib.import_module(f"portal.{name}.models")
        except ModuleNotFoundError as error:
            if error.name != f"portal.{name}.models":
                raise


load_all_models()
