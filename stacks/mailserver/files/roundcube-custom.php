PLACEHOLDER: bring over the custom.php heredoc of ConfigMap roundcubemail.config (stacks/mailserver/modules/mailserver/roundcubemail.tf) from the Terraform repo (make bring-over; docs/migration.md).
