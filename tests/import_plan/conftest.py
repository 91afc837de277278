"""pytest wiring for the import-plan tests; helpers live in ip_support and handmade."""

from handmade import case  # noqa: F401  (fixture)
from ip_support import workspace  # noqa: F401  (fixture)
