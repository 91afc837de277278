PLACEHOLDER: bring over the heredoc in stacks/openclaw/main.tf (see tools/import_plan/bring_over.toml) from the Terraform repo (see docs/migration.md).
