"""stem95su: a tombstone; the outage would be it re-creating the retired in-cluster site."""


def test_declares_nothing(synth_stack):
    stack = synth_stack("stem95su")
    assert stack.resources == [], [r["urn"] for r in stack.resources]


def test_still_ordered_after_platform():
    from pathlib import Path

    import yaml

    meta = yaml.safe_load((Path(__file__).resolve().parents[2] / "stacks/stem95su/stack.yaml").read_text())
    assert meta == {"bootstrap": False, "human_only": False, "depends_on": ["platform"]}
