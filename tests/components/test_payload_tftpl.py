"""render_tftpl: Terraform's templatefile on the template shapes the upstream payloads use."""

import pytest

from components.payload import TemplateError, render_tftpl

# A scrape job filled from a map, the way the Prometheus values template builds one.
SCRAPE = """\
    static_configs:
%{ for svc, url in targets ~}
      - targets: ["${url}"]
        labels:
          service: "${svc}"
%{ endfor ~}
    relabel_configs:
      - replacement: 'device_$${1}'
"""


def test_for_over_a_map_with_strip_markers_and_escapes():
    out = render_tftpl(SCRAPE, {"targets": {"zeta": "https://z.example", "alpha": "https://a.example"}})
    assert out == """\
    static_configs:
      - targets: ["https://a.example"]
        labels:
          service: "alpha"
      - targets: ["https://z.example"]
        labels:
          service: "zeta"
    relabel_configs:
      - replacement: 'device_${1}'
"""


def test_for_over_an_empty_map_leaves_the_surrounding_lines():
    assert render_tftpl(SCRAPE, {"targets": {}}) == (
        "    static_configs:\n    relabel_configs:\n      - replacement: 'device_${1}'\n")


def test_go_templates_and_lone_dollars_survive():
    text = ('summary: "{{ $labels.instance }} is down"\n'
            'description: "{{ printf \\"%.2f\\" $value }}% of {{ .Values.x }}; costs $5, $HOME"\n'
            'password: "${pass}"\n')
    assert render_tftpl(text, {"pass": "s3cr$t{x}"}) == (
        'summary: "{{ $labels.instance }} is down"\n'
        'description: "{{ printf \\"%.2f\\" $value }}% of {{ .Values.x }}; costs $5, $HOME"\n'
        'password: "s3cr$t{x}"\n')


def test_directive_escape_and_interpolation_kinds():
    assert render_tftpl("%%{ for x } ${n} ${b} ${m.k} ${l[1]}", {"n": 3, "b": True, "m": {"k": "v"}, "l": ["a", "b"]}) \
        == "%{ for x } 3 true v b"


def test_if_else_with_strip_on_both_sides():
    text = "a:\n%{ if enabled ~}\n  on: yes\n%{ else ~}\n  on: no\n%{ endif ~}\nb: 1\n"
    assert render_tftpl(text, {"enabled": True}) == "a:\n  on: yes\nb: 1\n"
    assert render_tftpl(text, {"enabled": False}) == "a:\n  on: no\nb: 1\n"


def test_conditions_and_left_strip():
    text = 'x = [\n  %{~ for i, v in items ~}\n  "${i}:${v}"%{ if v != "c" }, %{ endif }\n%{~ endfor ~}\n]'
    assert render_tftpl(text, {"items": ["a", "c"]}) == 'x = [\n  "0:a",   "1:c"]'
    assert render_tftpl('%{ if !off && (n == 2 || false) }y%{ endif }', {"off": False, "n": 2}) == "y"


def test_strip_markers_stop_at_a_line_break():
    # Only the marker's own line is trimmed: the previous line's newline and the next
    # line's indentation stay.
    assert render_tftpl("a  \n ${~ v ~}  \n b", {"v": "X"}) == "a  \nX b"
    assert render_tftpl("a\n\n%{~ if t ~}\n\n  b\n%{~ endif ~}\n", {"t": True}) == "a\n\n  b"


@pytest.mark.parametrize("text, variables, message", [
    ("${missing}", {}, "variable 'missing' is not given"),
    ("${upper(x)}", {"x": "a"}, "function upper"),
    ("${x + 1}", {"x": 1}, "unsupported expression"),
    ("${m}", {"m": {"a": 1}}, "cannot print"),
    ("%{ for v in xs }${v}", {"xs": []}, "without %{ endfor }"),
    ("%{ if x }y", {"x": True}, "without %{ endif }"),
    ("%{ endif }", {}, "unexpected"),
    ("%{ if x }y%{ endif }", {"x": "yes"}, "not a bool"),
    ("%{ for v in s }%{ endfor }", {"s": "text"}, "cannot iterate"),
    ("line one\n${never", {}, "line 2: template sequence is never closed"),
])
def test_errors_name_the_problem(text, variables, message):
    with pytest.raises(TemplateError, match=message.replace("(", r"\(").replace("{", r"\{").replace("+", r"\+")):
        render_tftpl(text, variables)
