PLACEHOLDER: bring over the command heredoc of CronJob technitium-zone-sync (stacks/technitium/modules/technitium/ha.tf) from the Terraform repo (make bring-over; docs/migration.md).
