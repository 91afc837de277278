"""Apply order: declared `depends_on` plus StackReferences found in stack programs."""
from __future__ import annotations

import ast
import heapq
from pathlib import Path
from typing import Iterable, Mapping

from .repo import StackMeta, stack_dir


class CycleError(Exception):
    pass


def stack_references(source: str) -> set[str]:
    """Projects named by `StackReference("organization/<project>/prod")` calls with literal names."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name != "StackReference":
            continue
        literal = next((a.value for a in [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "stack_name")]
                        if isinstance(a, ast.Constant) and isinstance(a.value, str)), None)
        if literal is None and node.args and isinstance(node.args[0], ast.Constant):
            literal = node.args[0].value
        if isinstance(literal, str):
            parts = literal.split("/")
            if len(parts) >= 2:
                found.add(parts[-2])
    return found


def dependency_graph(root: Path, metas: Mapping[str, StackMeta]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, meta in metas.items():
        deps = set(meta.depends_on)
        main = stack_dir(root, name) / "__main__.py"
        if main.is_file():
            deps |= stack_references(main.read_text())
        deps.discard(name)
        graph[name] = {d for d in deps if d in metas}
    return graph


def apply_order(graph: Mapping[str, set[str]], selected: Iterable[str]) -> list[str]:
    """Selected stacks, dependencies first (through unselected ones too), ties by name."""
    nodes = set(graph) | set(selected)
    indegree = {n: 0 for n in nodes}
    dependents: dict[str, list[str]] = {n: [] for n in nodes}
    for node in nodes:
        for dep in graph.get(node, set()):
            if dep in nodes:
                indegree[node] += 1
                dependents[dep].append(node)
    ready = [n for n, d in indegree.items() if d == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for child in dependents[node]:
            indegree[child] -= 1
            if indegree[child] == 0:
                heapq.heappush(ready, child)
    if len(order) != len(nodes):
        stuck = sorted(n for n, d in indegree.items() if d > 0)
        raise CycleError(f"dependency cycle among stacks: {', '.join(stuck)} (check stack.yaml depends_on "
                         f"and StackReferences)")
    wanted = set(selected)
    return [n for n in order if n in wanted]
