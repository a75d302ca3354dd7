"""The shape of the code: app.py and the tirek modules import each other without cycles, and no
module reaches into another's private (underscore) names."""

from __future__ import annotations

import ast

from conftest import ROOT

PACKAGE = "tirek"


def modules() -> dict[str, ast.Module]:
    """{module name: syntax tree} for app.py and every module in tirek/."""
    files = {"app": ROOT / "app.py"}
    files.update(
        {f"{PACKAGE}.{path.stem}": path for path in sorted((ROOT / PACKAGE).glob("*.py")) if path.stem != "__init__"}
    )
    return {name: ast.parse(path.read_text(encoding="utf-8"), str(path)) for name, path in files.items()}


def imports(name: str, tree: ast.Module, known: set[str]) -> list[tuple[str, str | None]]:
    """(imported module, imported name or None) for each of our modules that ``name`` imports,
    at the top or inside a function."""
    package = name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names if alias.name in known]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(filter(None, [package, base]))
            for alias in node.names:
                if f"{base}.{alias.name}" in known:  # from tirek import views
                    found.append((f"{base}.{alias.name}", None))
                elif base in known:  # from tirek.views import site
                    found.append((base, alias.name))
    return found


def graph() -> dict[str, set[str]]:
    trees = modules()
    return {name: {target for target, _ in imports(name, tree, set(trees))} - {name} for name, tree in trees.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" after
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                return path[path.index(target) :] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_graph_sees_every_kind_of_import():
    edges = graph()
    assert "tirek.views" in edges["app"]  # from tirek.views import ...
    assert "tirek.offline" in edges["app"]  # from tirek import offline
    assert "tirek.languages" in edges["tirek.views"]  # from .languages import ...


def test_no_import_cycles():
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def module_aliases(tree: ast.Module, known: set[str], package: str) -> set[str]:
    """Local names bound to one of our modules: ``from tirek import offline``, ``import tirek.x as y``."""
    aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = ".".join(filter(None, [package if node.level else "", node.module or ""]))
            aliases |= {alias.asname or alias.name for alias in node.names if f"{base}.{alias.name}" in known}
        elif isinstance(node, ast.Import):
            aliases |= {alias.asname for alias in node.names if alias.name in known and alias.asname}
    return aliases


def test_no_module_uses_another_modules_private_names():
    trees = modules()
    known = set(trees)
    private = [
        f"{name} imports {imported!r} from {target}"
        for name, tree in trees.items()
        for target, imported in imports(name, tree, known)
        if imported and imported.startswith("_") and target != name
    ]
    for name, tree in trees.items():
        aliases = module_aliases(tree, known, name.rpartition(".")[0])
        private += [
            f"{name} uses {node.value.id}.{node.attr}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr.startswith("_")
        ]
    assert private == []
