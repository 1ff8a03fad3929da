"""The shape of the code, kept: the top level reads like the architecture (docs/architecture.md), no
module grows past what one person reads at once, and the layers import downwards only."""

import ast
from pathlib import Path

FORUM = Path(__file__).resolve().parent.parent / "forum"
MODULE_LINES = 400
TOP_LEVEL_ENTRIES = 15


def modules():
    return sorted(p for p in FORUM.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_top_level_holds_at_most_fifteen_entries():
    entries = sorted(p.name for p in FORUM.iterdir() if p.name != "__pycache__")
    assert len(entries) <= TOP_LEVEL_ENTRIES, entries


def test_no_module_is_over_400_lines():
    long = {
        str(p.relative_to(FORUM)): n
        for p in modules()
        if (n := len(p.read_text().splitlines())) > MODULE_LINES
    }
    assert not long, f"split these where they already divide: {long}"


def imported_modules(path: Path) -> set[str]:
    """The forum modules `path` imports, as dotted names relative to forum (web, blueprints.x, ...)."""
    package = path.relative_to(FORUM).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            found.add(".".join((*base, *(node.module or "").split("."))).strip("."))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("forum."):
            found.add(node.module.removeprefix("forum."))
    return found


def test_services_and_models_import_nothing_from_the_web_layer():
    below = [p for p in modules() if p.relative_to(FORUM).parts[0] in ("services", "models", "mail")]
    assert below
    upward = {
        str(p.relative_to(FORUM)): sorted(
            m for m in imported_modules(p) if m.split(".")[0] in ("web", "blueprints", "forms")
        )
        for p in below
    }
    assert not {k: v for k, v in upward.items() if v}
