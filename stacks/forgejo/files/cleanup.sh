PLACEHOLDER: the nightly Forgejo package cleanup script (keeps the newest KEEP_LAST_N versions per package; DRY_RUN).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); see docs/migration.md.
