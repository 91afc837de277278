"""docs/stack-graph.svg and the affected-subgraph picture for PR comments."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tools.stack_graph import DEFAULT_OUT, GraphError, affected_mermaid, affected_svg, layout, load_graph, render_svg

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str):
    root = ET.fromstring(svg)
    nodes = {g.get("data-stack") for g in root.iter("{http://www.w3.org/2000/svg}g")}
    edges = {(p.get("data-from"), p.get("data-to")) for p in root.iter("{http://www.w3.org/2000/svg}path")
             if p.get("class") == "edge"}
    return nodes, edges


def test_docs_graph_is_current():
    assert DEFAULT_OUT.read_text() == render_svg(load_graph()), "run `make graph`"


def test_every_stack_and_every_depends_on_edge_is_drawn():
    graph = load_graph()
    nodes, edges = parse(render_svg(graph))
    assert set(graph) <= nodes
    assert edges == {(dep, stack) for stack, deps in graph.items() for dep in deps}


def test_a_stack_is_drawn_right_of_everything_it_depends_on():
    graph = load_graph()
    places = layout(graph)
    for stack, deps in graph.items():
        for dep in deps:
            assert places[dep][0] < places[stack][0], (dep, stack)
    assert len(set(places.values())) == len(places)  # no two boxes share a cell


def test_a_cycle_is_refused_naming_it():
    with pytest.raises(GraphError, match="a -> b -> a"):
        render_svg({"a": ("b",), "b": ("a",)})


def test_affected_subgraph_shows_the_affected_and_their_direct_dependencies():
    graph = {"infra": (), "platform": ("infra",), "vault": ("platform",), "tandoor": ("platform", "vault"),
             "blog": ("platform",)}
    svg = affected_svg(["tandoor"], graph)
    nodes, edges = parse(svg)
    assert nodes == {"tandoor", "platform", "vault"}
    assert edges == {("platform", "tandoor"), ("vault", "tandoor")}
    root = ET.fromstring(svg)
    marked = {g.get("data-stack") for g in root.iter("{http://www.w3.org/2000/svg}g")
              if g.find("svg:rect", NS).get("fill") == "#ffe8cc"}
    assert marked == {"tandoor"}
    assert "Affected stacks (1)" in svg


def test_affected_subgraph_refuses_unknown_stacks():
    with pytest.raises(GraphError, match="not a stack: nope"):
        affected_svg(["nope"], {"infra": ()})


def test_affected_mermaid_draws_the_affected_bold_with_their_direct_dependencies():
    graph = {"infra": (), "platform": ("infra",), "vault": ("platform",), "tandoor": ("platform", "vault"),
             "blog": ("platform",)}
    assert affected_mermaid(["tandoor"], graph) == "\n".join([
        "**Affected stacks and what they depend on**",
        "",
        "```mermaid",
        "graph LR",
        '  s0["platform"]',
        '  s1["tandoor"]',
        '  s2["vault"]',
        "  s1 --> s0",
        "  s1 --> s2",
        "  classDef affected font-weight:bold,stroke-width:3px",
        "  class s1 affected",
        "```",
    ]) + "\n"


def test_affected_mermaid_refuses_unknown_stacks():
    with pytest.raises(GraphError, match="not a stack: nope"):
        affected_mermaid(["nope"], {"infra": ()})
