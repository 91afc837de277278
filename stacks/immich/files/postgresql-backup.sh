PLACEHOLDER: the nightly pg_dumpall script of the postgresql-backup CronJob.
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); see docs/migration.md.
