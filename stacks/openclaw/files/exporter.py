PLACEHOLDER: bring over stacks/openclaw/files/exporter.py from the Terraform repo (see docs/migration.md).
