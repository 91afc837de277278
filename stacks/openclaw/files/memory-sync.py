PLACEHOLDER: bring over stacks/openclaw/files/memory-sync.py from the Terraform repo (see docs/migration.md).
