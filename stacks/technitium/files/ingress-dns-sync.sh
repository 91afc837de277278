PLACEHOLDER: bring over the command heredoc of CronJob technitium-ingress-dns-sync (stacks/technitium/modules/technitium/main.tf) from the Terraform repo (make bring-over; docs/migration.md).
