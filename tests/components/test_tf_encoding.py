"""Terraform's jsonencode/yamlencode: expected texts are what Terraform 1.11 printed."""

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


def test_yamlencode_refuses_what_terraform_has_no_value_for():
    with pytest.raises(ValueError, match="cannot encode"):
        yamlencode({"a": object()})
    with pytest.raises(ValueError, match="not a string"):
        yamlencode({1: "a"})


def test_jsonencode_is_compact_sorted_and_escapes_html():
    assert jsonencode({"b": [1, True, None], "a": "<x&y>"}) == '{"a":"\\u003cx\\u0026y\\u003e","b":[1,true,null]}'
