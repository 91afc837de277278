PLACEHOLDER: bring over stacks/mailserver/modules/mailserver/extra/docs-at-viktorbarzin.me.dovecot.sieve from the Terraform repo (make bring-over; docs/migration.md).
