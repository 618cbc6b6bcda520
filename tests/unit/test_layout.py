"""The layout's rule a change can break without noticing: core/ imports no area (docs/architecture.md)."""

from __future__ import annotations

import ast

import pytest

from tests.helpers import PROJECT_DIR

PACKAGE = PROJECT_DIR / "foia_portal"


def imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((PACKAGE / "core").glob("*.py")), ids=lambda p: p.name)
def test_core_holds_rules_that_import_no_area_and_no_plumbing(path):
    ours = {name for name in imported_modules(path) if name.startswith("foia_portal")}
    assert all(name.startswith("foia_portal.core") for name in ours), ours
