PLACEHOLDER: the bank-sync CronJob script of stacks/actualbudget (the heredoc `command` of
kubernetes_cron_job_v1 "bank-sync-${var.name}" in the Terraform stack's factory/main.tf).
Bring it over with `make bring-over FROM=<Terraform checkout>` before a real `pulumi up`;
the Terraform interpolations become the tokens @USER_NAME@, @SYNC_ID@ and @API_KEY@.
