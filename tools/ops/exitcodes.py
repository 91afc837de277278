"""Exit codes shared by the wrapper and the pipelines (sysexits-style where one fits)."""

OK = 0
FAILED = 1
USAGE = 64            # bad command line
CLI_TOO_OLD = 69      # pulumi CLI missing or older than MIN_CLI_VERSION
LOCKED = 75           # stack lock held past the wait timeout, or stale (EX_TEMPFAIL)
REFUSED = 77          # human-only stack in CI, or apply on a non-canonical forge
CONFIG = 78           # missing backend/secrets settings or malformed stack metadata

# Exit code of `pulumi preview|refresh --expect-no-changes` when changes exist (CLI >= 3.227).
PULUMI_CHANGES = 7

# Apply on push: some stacks were not applied (lock held by another run, stack not
# initialised). Non-zero so the pipeline never looks applied; the summary names them.
NOT_APPLIED = 76
