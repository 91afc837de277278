PLACEHOLDER: bring over the command heredoc of Job technitium-pg-db-init (stacks/technitium/modules/technitium/main.tf) from the Terraform repo (make bring-over; docs/migration.md).
