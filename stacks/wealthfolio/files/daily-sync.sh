PLACEHOLDER: the daily market-data sync script of stacks/wealthfolio (the heredoc of kubernetes_cron_job_v1 "wealthfolio-daily-sync" (`args`) in the
Terraform stack's main.tf).
Bring it over with `make bring-over FROM=<Terraform checkout>` before a real `pulumi up`.
