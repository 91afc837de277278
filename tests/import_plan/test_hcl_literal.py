"""The strict literal-HCL reader behind bring-over's `yamlencode` entries.

The sample's expected value is what terraform 1.11.4 gave for `jsonencode` of the same
object (checked once against the real binary; the test needs none)."""

from __future__ import annotations

import json

import pytest

from components.tf_encoding import jsonencode
from tools.import_plan.hcl_literal import HclLiteralError, parse_value

# Whitespace-only lines inside the first heredoc: three spaces, one space, ten spaces.
SAMPLE = (
    "{\n"
    "    a = <<-EOT\n"
    "      four\n"
    "        six\n"
    "   \n"
    " \n"
    "          \n"
    "      end $${x} %%{y} $x\n"
    "    EOT\n"
    "    b = <<EOT\n"
    "  raw\n"
    "    kept\n"
    "EOT\n"
    '    c = "esc \\n \\t \\" \\\\ \\u00e9 \\U0001F600 $${z} %%{w} {{ $labels.x }} $$x"\n'
    '    "quoted key" : [1, 2.5, -3, 1e3, true, false, null, {}, [],]\n'
    '    d = { x = 1, y = "z" }\n'
    "    /* block\n"
    "       comment */ e = 0.25 // tail\n"
    "    f = <<-EOT\n"
    "\ttab line\n"
    "\t  tab two\n"
    "      EOT\n"
    "    g = <<-EOT\n"
    "    EOT\n"
    "    h = [\n"
    '      "a",\n'
    "      <<-EOT\n"
    "        in list\n"
    "      EOT\n"
    "      ,\n"
    "    ]\n"
    "    i = 1.50\n"
    "    j = {\n"
    "    }\n"
    "  }")
TERRAFORM_JSON = (
    '{"a":"four\\n  six\\n   \\n \\n          \\nend ${x} %{y} $x\\n","b":"  raw\\n    kept\\n",'
    '"c":"esc \\n \\t \\" \\\\ é 😀 ${z} %{w} {{ $labels.x }} $$x","d":{"x":1,"y":"z"},"e":0.25,'
    '"f":"tab line\\n  tab two\\n","g":"","h":["a","in list\\n"],"i":1.5,"j":{},'
    '"quoted key":[1,2.5,-3,1000,true,false,null,{},[]]}')


def test_reads_the_sample_as_terraform_does():
    value, end = parse_value("x = " + SAMPLE + " tail", 4)
    assert jsonencode(value) == TERRAFORM_JSON
    assert end == 4 + len(SAMPLE)
    assert value == json.loads(TERRAFORM_JSON)


def test_flush_heredoc_keeps_whitespace_only_lines_and_strips_the_common_indent():
    value, _ = parse_value("<<-EOT\n    a\n      b\n  \n    c\n  EOT\n", 0)
    assert value == "a\n  b\n  \nc\n"


@pytest.mark.parametrize("text, line, reason", [
    ('{\n  a = "x ${var.y}"\n}', 2, "an interpolation `${...}` is not a literal value"),
    ("{\n  a = <<-EOT\n    ok\n    %{ if x }y%{ endif }\n  EOT\n}", 4, "a template directive"),
    ("{\n  a = var.x\n}", 2, "`var` is a reference"),
    ("{\n  a = [\n    1,\n    lower(\"X\"),\n  ]\n}", 4, "`lower` is a function call"),
    ("{\n  a = true ? 1 : 2\n}", 2, "unexpected '? 1 : 2"),
    ("{\n  a = 1\n  a = 2\n}", 3, "object key 'a' is given twice"),
    ("{\n  a = 1 b = 2\n}", 2, "after the value of 'a'"),
    ("{\n  a = [1 2]\n}", 2, "in a list"),
    ('{\n  a = "bad \\q"\n}', 2, "invalid escape"),
    ('{\n  a = "open\n}', 2, "unterminated string"),
    ("{\n  a = <<-EOT\n    never closed\n", 2, "heredoc EOT is not terminated"),
    ("{\n  (k) = 1\n}", 2, "where an object key belongs"),
    ("[for x in y : x]", 1, "`for` is a reference"),
    ("{\n  a = 0.1e-9\n}", 2, "has no exact rendering"),
])
def test_refuses_what_is_not_a_literal_with_its_line(text, line, reason):
    with pytest.raises(HclLiteralError) as caught:
        parse_value(text, 0)
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"line {line}: ")
