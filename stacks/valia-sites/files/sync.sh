PLACEHOLDER: the valia-sites-sync CronJob script of stacks/valia-sites (the heredoc `command` of
kubernetes_cron_job_v1 "valia-sites-sync" in the Terraform stack's main.tf).
Bring it over with `make bring-over FROM=<Terraform checkout>` before a real `pulumi up`.
