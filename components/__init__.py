"""Reusable ComponentResources for the homelab stacks.

Import the component you need from its module (``from components.ingress import
IngressFactory``); this package file stays empty so that ``components.constants`` can be
imported by the policy pack and tooling without loading provider SDKs.
"""
