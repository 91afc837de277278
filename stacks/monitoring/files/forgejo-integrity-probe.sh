PLACEHOLDER: the forgejo-integrity-probe CronJob script of stacks/monitoring (the heredoc `command` of
kubernetes_cron_job_v1 "forgejo_integrity_probe" in the Terraform stack's modules/monitoring/main.tf).
Bring it over with `make bring-over FROM=<Terraform checkout>` before a real `pulumi up`.
