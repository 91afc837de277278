"""CrossGuard policy pack for the homelab Pulumi fleet.

Importing this package (or any module in it) never starts the analyzer: only
``policies/__main__.py`` constructs the ``PolicyPack``. See docs/policies.md.
"""
