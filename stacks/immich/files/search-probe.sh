PLACEHOLDER: the measure init container of the immich-search-probe CronJob.
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); see docs/migration.md.
