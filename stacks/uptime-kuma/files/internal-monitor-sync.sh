PLACEHOLDER: bring over the command heredoc of CronJob internal-monitor-sync (stacks/uptime-kuma/modules/uptime-kuma/main.tf) from the Terraform repo (make bring-over; docs/migration.md).
