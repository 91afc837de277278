PLACEHOLDER: the tailscale-subnet-router-probe CronJob script of stacks/headscale (the heredoc `args` of
kubernetes_cron_job_v1 "subnet_router_probe" in the Terraform stack's subnet-router-probe.tf).
Bring it over with `make bring-over FROM=<Terraform checkout>` before a real `pulumi up`.
