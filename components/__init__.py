"""Reusable ComponentResources for the homelab stacks.

Import the component you need from its module (``from components.ingress import
IngressFactory``); this package file imports no provider SDK so that
``components.constants`` can be loaded by the policy pack and tooling cheaply.

Every stack program imports this package, which makes it the one place to hook how a
failing program is reported (components/program_errors.py). Inside a Pulumi program the
SDK is already loaded by the language host (or the offline synth), so the hook costs
nothing; a tool that never loaded ``pulumi`` is left alone.
"""

import sys as _sys

if "pulumi" in _sys.modules:
    from components import program_errors as _program_errors

    _program_errors.install()
