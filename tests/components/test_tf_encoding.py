"""Terraform's jsonencode/yamlencode: expected texts are what Terraform 1.11 printed
(checked against a real terraform binary; the tests themselves need none)."""

import pytest

from components.tf_encoding import jsonencode, yamlencode


@pytest.mark.parametrize("value, expected", [
    ({"a": "b", "c": "d"}, '"a": "b"\n"c": "d"\n'),
    ({"foo": [1, 2, 3], "bar": "baz"}, '"bar": "baz"\n"foo":\n- 1\n- 2\n- 3\n'),
    ({"foo": [1, {"a": "b", "c": "d"}, 3], "bar": "baz"}, '"bar": "baz"\n"foo":\n- 1\n- "a": "b"\n  "c": "d"\n- 3\n'),
    ({"a": [[1, 2], ["x"]], "b": {}, "c": [], "g": None, "h": False, "f": 1.5},
     '"a":\n- - 1\n  - 2\n- - "x"\n"b": {}\n"c": []\n"f": 1.5\n"g": null\n"h": false\n'),
    ({"d": 'quote " back \\ tab\t nl\nend', "e": "üñí <&>"},
     '"d": "quote \\" back \\\\ tab\\t nl\\nend"\n"e": "üñí <&>"\n'),
])
def test_yamlencode_matches_terraform(value, expected):
    assert yamlencode(value) == expected


def test_yamlencode_folds_long_strings_past_column_80_under_their_key():
    value = {"n": {"x": {"long": "aaaa bbbbbbbbb cccccccccc dddddddddddd eeeeeeeeeeeee ffffffffffff gggggggggg "
                                 "hhhhhhhhhhhh iiiiiiiii jjjjjjjj kkkkkkkkk", "t": True}}}
    assert yamlencode(value) == (
        '"n":\n  "x":\n'
        '    "long": "aaaa bbbbbbbbb cccccccccc dddddddddddd eeeeeeeeeeeee ffffffffffff gggggggggg\n'
        '      hhhhhhhhhhhh iiiiiiiii jjjjjjjj kkkkkkkkk"\n'
        '    "t": true\n')


def test_yamlencode_keeps_a_double_space_across_a_fold():
    value = {"x": "double  space " + "a" * 70 + "  bbb  cc"}
    assert yamlencode(value) == '"x": "double  space ' + "a" * 70 + '\n  \\ bbb  cc"\n'


# Multi-line strings. Every expected text below is what Terraform 1.11.4's yamlencode printed.

@pytest.mark.parametrize("value, expected", [
    # a "\n" makes a literal block; chomping: none for one final break, "-" for none, "+" for more
    ({"a": "line1\nline2\n", "b": "x\ny"}, '"a": |\n  line1\n  line2\n"b": |-\n  x\n  y\n'),
    ({"z": "x\n\n", "zz": 1}, '"z": |+\n  x\n\n"zz": 1\n'),
    ({"a": "end\n\n\n"}, '"a": |+\n  end\n\n\n'),
    ({"a": "\n", "b": "c"}, '"a": |2+\n\n"b": "c"\n'),
    ({"a": "\n\n"}, '"a": |2+\n\n\n'),
    # a leading space or break adds the indentation indicator 2
    ({"a": "\nx"}, '"a": |2-\n\n  x\n'),
    ({"a": " lead\nx"}, '"a": |2-\n   lead\n  x\n'),
    ({"a": "  two\n  lines\n"}, '"a": |2\n    two\n    lines\n'),
    ({"a": "\n lead after break"}, '"a": |2-\n\n   lead after break\n'),
    # empty lines carry no indentation; YAML-looking text is kept as is
    ({"a": "a\n\n\nb\n"}, '"a": |\n  a\n\n\n  b\n'),
    ({"a": "# hash\n- dash\n: colon\n"}, '"a": |\n  # hash\n  - dash\n  : colon\n'),
    ({"a": "---\nx"}, '"a": |-\n  ---\n  x\n'),
    ({"a": "key: val\n  nested: 1\n"}, '"a": |\n  key: val\n    nested: 1\n'),
    ({"a": "üñí\n<&>\n"}, '"a": |\n  üñí\n  <&>\n'),
    # a trailing space, a space before a break, or a non-printable character keeps it double-quoted
    ({"c": "trail \nz"}, '"c": "trail \\nz"\n'),
    ({"a": "ends space\nx "}, '"a": "ends space\\nx "\n'),
    ({"a": "x\n ", "b": "x \n"}, '"a": "x\\n "\n"b": "x \\n"\n'),
    ({"a": " \nx"}, '"a": " \\nx"\n'),
    ({"a": "a\n \nb"}, '"a": "a\\n \\nb"\n'),
    ({"a": "tab\there\nx"}, '"a": "tab\\there\\nx"\n'),
    ({"a": "tail tab\n\t"}, '"a": "tail tab\\n\\t"\n'),
    ({"a": "crlf\r\nx\r\n"}, '"a": "crlf\\r\\nx\\r\\n"\n'),
    ({"a": "cr\rx\ny"}, '"a": "cr\\rx\\ny"\n'),
    ({"a": "ctl\x01\nx"}, '"a": "ctl\\x01\\nx"\n'),
    ({"a": "emoji \U0001F600\nx"}, '"a": "emoji \\U0001F600\\nx"\n'),
    # lines sit two past the parent collection, in mappings and sequences alike
    ({"n": {"m": {"o": "deep\nvalue\n"}}}, '"n":\n  "m":\n    "o": |\n      deep\n      value\n'),
    (["x\ny", ["a\nb\n"]], '- |-\n  x\n  y\n- - |\n    a\n    b\n'),
    ({"a": ["x\ny", "p\n", {"k": "m\nn\n", "j": ["q\nr"]}], "b": [["s\nt"]]},
     '"a":\n- |-\n  x\n  y\n- |\n  p\n- "j":\n  - |-\n    q\n    r\n  "k": |\n    m\n    n\n"b":\n- - |-\n    s\n    t\n'),
    ([{"a": "1\n2", "b": [{"c": "3\n4\n"}]}], '- "a": |-\n    1\n    2\n  "b":\n  - "c": |\n      3\n      4\n'),
    ({"k": [["a", "b\nc"], {"d": "e\n"}]}, '"k":\n- - "a"\n  - |-\n    b\n    c\n- "d": |\n    e\n'),
    ({"a": [], "b": {}, "c": "m\nl"}, '"a": []\n"b": {}\n"c": |-\n  m\n  l\n'),
    # a top-level string
    ("top\nlevel", '|-\n  top\n  level\n'),
    ("top\n", '|\n  top\n'),
    ("\n", '|2+\n\n'),
    ("plain", '"plain"\n'),
    # the other line breaks (U+2028 is printable: written raw inside a block, then indentation)
    ({"a": "ls\u2028x\ny"}, '"a": |-\n  ls\u2028  x\n  y\n'),
    ({"a": "ls end\nx\u2028", "b": "c"}, '"a": |\n  ls end\n  x\u2028"b": "c"\n'),
    ({"a": "ps\u2029x", "b": "nel\x85x"}, '"a": "ps\\Px"\n"b": "nel\\Nx"\n'),
])
def test_yamlencode_multiline_strings_match_terraform(value, expected):
    assert yamlencode(value) == expected


def test_yamlencode_never_folds_a_literal_block():
    long = "word " * 30
    assert yamlencode({"a": "long " + long + "\n" + long + "end"}) == (
        '"a": "long word word word word word word word word word word word word word word word\n'
        '  word word word word word word word word word word word word word word word \\nword\n'
        '  word word word word word word word word word word word word word word word word\n'
        '  word word word word word word word word word word word word word end"\n')
    line = "x" * 100 + " " + "y" * 100
    assert yamlencode({"a": line + "\n" + line}) == '"a": |-\n  ' + line + "\n  " + line + "\n"


@pytest.mark.parametrize("value, expected", [
    # what go-yaml calls printable decides the escapes: NBSP stays, astral and C1 characters do not
    ({"e": "", "f": " ", "g": "\t"}, '"e": ""\n"f": " "\n"g": "\\t"\n'),
    ({"a": "nbsp\xa0x", "b": "emoji \U0001F600"}, '"a": "nbsp\xa0x"\n"b": "emoji \\U0001F600"\n'),
    # a leading BOM makes go-yaml escape every character of the string
    ({"a": "\ufeffbom x"}, '"a": "\\uFEFF\\x62\\x6F\\x6D\\x20\\x78"\n'),
])
def test_yamlencode_escapes_match_terraform(value, expected):
    assert yamlencode(value) == expected


def test_yamlencode_writes_long_and_multiline_keys_as_complex_keys():
    k129 = "k" * 129
    assert yamlencode({"k" * 128: 1}) == '"' + "k" * 128 + '": 1\n'
    assert yamlencode({k129: 1}) == '? "' + k129 + '"\n: 1\n'
    assert yamlencode({k129: "x\ny"}) == '? "' + k129 + '"\n: |-\n  x\n  y\n'
    assert yamlencode({k129: ["a", "b"]}) == '? "' + k129 + '"\n: - "a"\n  - "b"\n'
    assert yamlencode({k129: {"x": 1}}) == '? "' + k129 + '"\n: "x": 1\n'
    assert yamlencode({"m": {"ü" * 65: 1}}) == '"m":\n  ? "' + "ü" * 65 + '"\n  : 1\n'  # 130 bytes
    assert yamlencode({"a\nb": 1}) == '? |-\n  a\n  b\n: 1\n'
    assert yamlencode({"n": [{"a\nb\n": "c"}]}) == '"n":\n- ? |\n    a\n    b\n  : "c"\n'
    assert yamlencode({"long key " * 20: "v"}) == (
        '? "long key long key long key long key long key long key long key long key long key\n'
        '  long key long key long key long key long key long key long key long key long key\n'
        '  long key long key "\n: "v"\n')


def test_yamlencode_refuses_what_terraform_has_no_value_for():
    with pytest.raises(ValueError, match="cannot encode"):
        yamlencode({"a": object()})
    with pytest.raises(ValueError, match="not a string"):
        yamlencode({1: "a"})
    with pytest.raises(ValueError, match="NaN"):
        yamlencode({"a": float("nan")})


def test_jsonencode_is_compact_sorted_and_escapes_html():
    assert jsonencode({"b": [1, True, None], "a": "<x&y>"}) == '{"a":"\\u003cx\\u0026y\\u003e","b":[1,true,null]}'
