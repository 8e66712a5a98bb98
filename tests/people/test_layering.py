"""The base stays a base: people/ and core/ import nothing above them (read from the source)."""

import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "portal"
# What the base may build on: itself, the shared kernel, the extensions and the accounts.
BASE = ("portal.people", "portal.core", "portal.extensions", "portal.auth.models")


def imported_modules(source: str) -> set[str]:
    """Return every portal module a source file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found |= ({f"portal.{alias.name}" for alias in node.names}
                      if node.module == "portal" else {node.module})
    return {name for name in found if name.startswith("portal.")}


def above_the_base(module: str) -> bool:
    """Return True for a portal module the base must not import."""
    return not any(module == base or module.startswith(base + ".") for base in BASE)


@pytest.mark.parametrize("package", ["people", "core"])
def test_the_base_imports_nothing_above_it(package):
    offending = {
        f"{path.relative_to(PORTAL.parent)}: {module}"
        for path in sorted((PORTAL / package).rglob("*.py"))
        for module in imported_modules(path.read_text(encoding="utf-8"))
        if above_the_base(module)
    }
    assert not offending, sorted(offending)


def test_the_check_sees_imports_inside_functions_and_from_the_package():
    source = ("from portal.people.models import Student\n"
              "def later():\n    from portal.risk.queries import latest_risk\n"
              "import portal.messaging.models\nfrom portal import interactions\n")
    found = {module for module in imported_modules(source) if above_the_base(module)}
    assert found == {"portal.risk.queries", "portal.messaging.models", "portal.interactions"}
