PLACEHOLDER: the headscale-backup CronJob script of stacks/headscale (the heredoc `command` of
kubernetes_cron_job_v1 "headscale_backup" in the Terraform stack's modules/headscale/main.tf).
Bring it over with `make bring-over FROM=<Terraform checkout>` before a real `pulumi up`.
