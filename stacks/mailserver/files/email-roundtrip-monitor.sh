PLACEHOLDER: bring over the command heredoc of CronJob email-roundtrip-monitor (stacks/mailserver/modules/mailserver/main.tf) from the Terraform repo (make bring-over; docs/migration.md).
