"""The stack dependency graph (stack.yaml `depends_on`) as an SVG picture, in pure Python.

`make graph` writes docs/stack-graph.svg; tests/test_stack_graph.py fails when it is stale.
Layout: one column per dependency depth (a stack sits right of everything it depends on),
rows ordered by the mean row of a stack's dependencies to keep edges short. Edges run from
a dependency to its dependent.

For the PR comment: ``affected_svg(affected)`` draws only the affected stacks and their
direct dependencies, the affected ones highlighted.

    python -m tools.stack_graph [--out docs/stack-graph.svg] [--check]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "docs" / "stack-graph.svg"

NODE_W, NODE_H = 150, 22
COL_GAP, ROW_GAP = 70, 8
MARGIN = 16
Graph = Mapping[str, Sequence[str]]


class GraphError(ValueError):
    pass


def load_graph(root: Path = REPO) -> dict[str, tuple[str, ...]]:
    """{stack: its depends_on} for every stack under root/stacks."""
    from tools.ops.repo import list_stacks, load_stack_meta

    return {name: load_stack_meta(root, name).depends_on for name in list_stacks(root)}


def depths(graph: Graph) -> dict[str, int]:
    """Longest dependency chain below each node (0 = depends on nothing); raises on a cycle."""
    nodes = set(graph) | {d for deps in graph.values() for d in deps}
    result: dict[str, int] = {}
    visiting: list[str] = []

    def visit(node: str) -> int:
        if node in result:
            return result[node]
        if node in visiting:
            cycle = visiting[visiting.index(node):] + [node]
            raise GraphError(f"stack.yaml depends_on has a cycle: {' -> '.join(cycle)}")
        visiting.append(node)
        result[node] = 1 + max((visit(d) for d in graph.get(node, ())), default=-1)
        visiting.pop()
        return result[node]

    for node in sorted(nodes):
        visit(node)
    return result


def layout(graph: Graph) -> dict[str, tuple[int, int]]:
    """{node: (column, row)}."""
    depth = depths(graph)
    columns: dict[int, list[str]] = {}
    for node in sorted(depth):
        columns.setdefault(depth[node], []).append(node)
    row: dict[str, float] = {}
    for col in sorted(columns):
        members = columns[col]
        if col > 0:
            # Barycenter of the dependencies' rows, ties by name: stable and short edges.
            def key(node: str) -> tuple[float, str]:
                deps = [row[d] for d in graph.get(node, ()) if d in row]
                return (sum(deps) / len(deps) if deps else 0.0, node)
            members.sort(key=key)
        for index, node in enumerate(members):
            row[node] = index
    return {node: (depth[node], int(row[node])) for node in depth}


def render_svg(graph: Graph, highlight: Iterable[str] = (), title: str = "Stack dependencies") -> str:
    """The graph as a standalone SVG document (deterministic for a given graph)."""
    marked = set(highlight)
    places = layout(graph)
    if not places:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
                f'<text x="10" y="25" font-family="sans-serif" font-size="12">{escape(title)}: no stacks</text></svg>\n')

    def box(node: str) -> tuple[int, int]:
        col, r = places[node]
        return MARGIN + col * (NODE_W + COL_GAP), MARGIN + 24 + r * (NODE_H + ROW_GAP)

    width = MARGIN * 2 + (max(c for c, _ in places.values()) + 1) * (NODE_W + COL_GAP) - COL_GAP
    height = MARGIN * 2 + 24 + (max(r for _, r in places.values()) + 1) * (NODE_H + ROW_GAP) - ROW_GAP
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="6" markerHeight="6" '
        'orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#888"/></marker></defs>',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="{MARGIN}" y="{MARGIN + 10}" font-size="13" font-weight="bold">{escape(title)} '
        f'({len(graph)} stacks; an arrow points from a dependency to the stack that needs it)</text>',
    ]
    for node in sorted(graph):
        x2, y2 = box(node)
        for dep in sorted(graph[node]):
            x1, y1 = box(dep)
            sx, sy, ex, ey = x1 + NODE_W, y1 + NODE_H // 2, x2, y2 + NODE_H // 2
            mid = (sx + ex) // 2
            colour = "#d9480f" if node in marked else "#888"
            out.append(f'<path class="edge" data-from="{escape(dep)}" data-to="{escape(node)}" '
                       f'd="M{sx},{sy} C{mid},{sy} {mid},{ey} {ex},{ey}" fill="none" stroke="{colour}" '
                       f'stroke-width="1" marker-end="url(#arrow)"/>')
    for node in sorted(places):
        x, y = box(node)
        known = node in graph
        fill = "#ffe8cc" if node in marked else ("#eef3fb" if known else "#f4f4f4")
        stroke = "#d9480f" if node in marked else ("#4a6fa5" if known else "#aaa")
        dash = "" if known else ' stroke-dasharray="3,2"'
        out.append(f'<g class="node" data-stack="{escape(node)}"><rect x="{x}" y="{y}" width="{NODE_W}" '
                   f'height="{NODE_H}" rx="4" fill="{fill}" stroke="{stroke}"{dash}/>'
                   f'<text x="{x + 6}" y="{y + 15}">{escape(node)}</text></g>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def affected_subgraph(affected: Iterable[str], graph: Graph) -> dict[str, tuple[str, ...]]:
    """The affected stacks with their depends_on, plus those direct dependencies as context."""
    chosen = sorted(set(affected))
    unknown = [s for s in chosen if s not in graph]
    if unknown:
        raise GraphError(f"not a stack: {', '.join(unknown)}")
    sub: dict[str, tuple[str, ...]] = {s: tuple(graph[s]) for s in chosen}
    for s in chosen:
        for dep in graph[s]:
            sub.setdefault(dep, ())  # context node: its own dependencies are not drawn
    return sub


def affected_svg(affected: Iterable[str], graph: Graph | None = None) -> str:
    """SVG of the affected stacks (highlighted) and their direct dependencies, for a PR comment."""
    full = load_graph() if graph is None else graph
    chosen = sorted(set(affected))
    return render_svg(affected_subgraph(chosen, full), highlight=chosen,
                      title=f"Affected stacks ({len(chosen)})")


def affected_mermaid(affected: Iterable[str], graph: Graph) -> str:
    """The affected subgraph as a Markdown section with a Mermaid diagram.

    Forgejo, Gitea and GitHub comments render Mermaid but not inline SVG, so the PR comment
    uses this; affected stacks are drawn bold, their direct dependencies as plain context."""
    chosen = sorted(set(affected))
    sub = affected_subgraph(chosen, graph)
    ids = {name: f"s{i}" for i, name in enumerate(sorted(sub))}
    lines = ["**Affected stacks and what they depend on**", "", "```mermaid", "graph LR"]
    for name in sorted(sub):
        lines.append(f'  {ids[name]}["{name}"]')
    for name in chosen:
        for dep in sub[name]:
            lines.append(f"  {ids[name]} --> {ids[dep]}")
    if chosen:
        lines.append("  classDef affected font-weight:bold,stroke-width:3px")
        lines.append(f"  class {','.join(ids[n] for n in chosen)} affected")
    lines.append("```")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.stack_graph", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="exit 1 when --out is stale")
    args = parser.parse_args(argv)
    try:
        text = render_svg(load_graph())
    except GraphError as exc:
        print(f"graph: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if not args.out.is_file() or args.out.read_text() != text:
            print(f"{args.out} is stale: run `make graph`", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text)
    print(f"graph: wrote {args.out} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
