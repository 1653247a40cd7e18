"""The layering stays as docs/adding-an-area.md says, read from the source (AST, nothing imported):
no import cycle between app modules (imports inside functions count too), dependencies between
the top-level packages point one way, no Flask under services/, no app module over 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("blueprints", "commands", "infra", "models", "schemas", "services", "workers", "devtools")
TOP_MODULES = ("app", "config")
MAX_LINES = 400
KNOWN_LONG: set[str] = set()


def app_files() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the app."""
    files = {name: ROOT / f"{name}.py" for name in TOP_MODULES}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


FILES = app_files()


def imported_modules(name: str, path: Path) -> set[str]:
    """App modules this one imports, anywhere in the file."""
    found: set[str] = set()
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import
                anchor = name.split(".")[: len(name.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from package import module` imports that module; `from module import name` the module
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in FILES else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in FILES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


GRAPH = {name: imported_modules(name, path) for name, path in FILES.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read() -> None:
    # guards the reader itself: a known edge of each kind is found
    assert "infra.jobs" in GRAPH["services.faces.checks"]
    assert "services.faces.job" in GRAPH["workers.faces"]
    assert "services.faces.runtime" in GRAPH["commands.faces"]  # `from services.faces.runtime import ...`


def test_no_import_cycle_between_modules() -> None:
    assert cycles(GRAPH) == []


def test_dependencies_between_packages_point_one_way() -> None:
    """blueprints/commands/workers -> services -> infra -> models; schemas beside the services.
    ``app`` is the composition root: it imports every package, and only the worker process,
    which builds the app, imports it."""
    assert [name for name, targets in GRAPH.items() if "app" in targets] == ["workers.worker"]
    top: dict[str, set[str]] = {}
    for name, targets in GRAPH.items():
        package = name.split(".")[0]
        top.setdefault(package, set()).update(
            t.split(".")[0] for t in targets if t.split(".")[0] not in (package, "app"))
    assert cycles(top) == []
    assert not top["services"] & {"blueprints", "workers", "commands", "schemas", "app"}
    assert not top["infra"] & {"services", "blueprints", "workers", "commands", "schemas"}
    assert top["models"] <= {"config"}


def test_no_flask_under_services() -> None:
    offenders = []
    for name, path in FILES.items():
        if not name.startswith("services"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{name}: {m}" for m in modules if m.split(".")[0].startswith("flask")]
    assert offenders == []


def test_no_app_module_over_400_lines() -> None:
    long = {str(path.relative_to(ROOT)): n for path in FILES.values()
            if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert set(long) <= KNOWN_LONG, long
