"""vpa: a tombstone; the outage would be it re-creating the retired VPA/Goldilocks install."""


def test_declares_nothing(synth_stack):
    stack = synth_stack("vpa")
    assert stack.resources == [], [r["urn"] for r in stack.resources]
