PLACEHOLDER: the phpipam-pfsense-import CronJob script of stacks/phpipam (the heredoc `command` of
kubernetes_cron_job_v1 "phpipam_pfsense_import" in the Terraform stack's main.tf).
Bring it over with `make bring-over FROM=<Terraform checkout>` before a real `pulumi up`.
