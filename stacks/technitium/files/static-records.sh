PLACEHOLDER: bring over the command heredoc of CronJob technitium-static-records (stacks/technitium/modules/technitium/static_records.tf) from the Terraform repo (make bring-over; docs/migration.md).
