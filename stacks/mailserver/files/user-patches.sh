PLACEHOLDER: bring over the user-patches.sh heredoc of ConfigMap mailserver-user-patches (stacks/mailserver/modules/mailserver/main.tf) from the Terraform repo (make bring-over; docs/migration.md).
