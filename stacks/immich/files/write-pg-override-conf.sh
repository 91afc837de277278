PLACEHOLDER: the init container of immich-postgresql that writes postgresql.override.conf; it is in the pod template, so any byte of difference restarts the database.
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); see docs/migration.md.
