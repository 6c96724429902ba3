"""The package's layers: imports run one way, counting those inside functions, and no cycle comes back."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

from tests.support import paths

PACKAGE = paths.ROOT / "isic_graph"

# Lowest first; a module may import from its own layer or those below it, never from one above.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("isic_graph",),  # the package itself: its version only
    ("privacy", "privacy_text", "progress"),  # personal data in text, read as a person reads it (errors redact their
    # messages with it); progress reports
    ("errors",),
    ("rdf", "sparql"),
    ("config",),
    ("store",),
    ("validation",),
    ("ingest",),
    ("federation",),
    ("query", "publish"),
    ("admin",),
    ("cli", "web"),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Every module of the package `module` imports, wherever the import statement stands."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target not in known and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in known and target != module and not module.startswith(target + "."):
                found.add(target)
    return found


def layer(module: str) -> int:
    parts = module.split(".")
    return RANK[parts[1] if len(parts) > 1 else parts[0]]


MODULES = modules()


@functools.cache
def graph() -> dict[str, set[str]]:
    """Each module's imports of the package, read when a test first asks (not while the tests are collected)."""
    return {module: imports(module, path, MODULES) for module, path in MODULES.items()}


def test_every_module_of_the_package_has_a_layer() -> None:
    assert [m for m in MODULES if (m.split(".") + [""])[1] not in RANK and m != "isic_graph"] == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_never_imports_from_a_layer_above_its_own(module: str) -> None:
    upward = sorted(t for t in graph()[module] if layer(t) > layer(module))
    assert upward == [], f"{module} (layer {layer(module)}) imports upward: {upward}"


def test_no_import_cycle_even_through_imports_inside_functions() -> None:
    state: dict[str, int] = {}  # 1: on the path, 2: done
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph()[module]):
            if state.get(target) == 1:
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[module] = 2

    for module in sorted(MODULES):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_package_shows_about_a_dozen_entries() -> None:
    entries = [p.name for p in PACKAGE.iterdir() if p.name != "__pycache__" and (p.suffix == ".py" or p.is_dir())]
    assert len(entries) <= 17, sorted(entries)  # privacy_text: the privacy guard's reading of text
