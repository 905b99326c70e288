"""Print the import graph of Qiaomen's own packages and fail if it has a circle.

Usage: python scripts/import_cycles.py [--rooms]

Every module of ``server``, ``miniprogram_api`` and ``models`` is a node; an edge goes from a module to each
project module it imports at its top level, and to the packages Python runs first to import it (importing
``server.services.ledger.counters`` runs ``server/services/ledger/__init__.py``). Imports inside functions are
left out: they run after every module is loaded and cannot make a circle at import time; so is an import of
a module's own package (``from server.services.access import audit`` inside ``access``), already running then. With ``--rooms`` the
graph of the service rooms (``server/services/<room>/``) is printed, one line per room with the rooms it uses.
Exit status 1, with each circle printed, when any strongly connected part has more than one module.
"""
from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("server", "miniprogram_api", "models")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def top_level_imports(path: Path, name: str, known: dict[str, Path]) -> set[str]:
    """The project modules imported by the statements at a module's top level (not inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def visit(body):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module
                found.add(target)
                found.update(f"{target}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.If | ast.Try | ast.With | ast.ClassDef):
                for field in ("body", "orelse", "finalbody", "handlers"):
                    for part in getattr(node, field, []) or []:
                        visit(part.body if isinstance(part, ast.ExceptHandler) else [part])
                if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                    continue

    visit(tree.body)
    edges = set()
    for target in found:
        # A module's own packages are already being run when it is imported: not an edge.
        if target in known and target != name and not name.startswith(target + "."):
            edges.add(target)
    return edges


def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in known.items():
        for target in top_level_imports(path, name, known):
            edges[name].add(target)
            # Importing a.b.c runs a/__init__ and a/b/__init__ first.
            parts = target.split(".")
            for i in range(1, len(parts)):
                parent = ".".join(parts[:i])
                if parent in known and parent != name and not name.startswith(parent + "."):
                    edges[name].add(parent)
        edges.setdefault(name, set())
    return edges


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    part = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        part.append(member)
                        if member == node:
                            break
                    if len(part) > 1:
                        parts.append(sorted(part))
    return parts


def room_of(name: str) -> str | None:
    parts = name.split(".")
    if parts[:2] == ["server", "services"] and len(parts) > 2:
        return parts[2]
    return None


def main(argv: list[str]) -> int:
    edges = graph()
    if "--rooms" in argv:
        rooms: dict[str, set[str]] = defaultdict(set)
        for name, targets in edges.items():
            room = room_of(name)
            if room:
                rooms[room].update(r for r in map(room_of, targets) if r and r != room)
        for room in sorted(rooms):
            print(f"{room:12} → {', '.join(sorted(rooms[room])) or '—'}")
        circles = strongly_connected(rooms)
    else:
        circles = strongly_connected(edges)
        print(f"{len(edges)} modules, {sum(map(len, edges.values()))} imports")
    for circle in circles:
        print("circle:", " ↔ ".join(circle))
    if not circles:
        print("no circle")
    return 1 if circles else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
