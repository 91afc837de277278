"""pytest wiring for the import-plan tests; helpers live in ip_support."""

from ip_support import workspace  # noqa: F401  (fixture)
