PLACEHOLDER: the OAuth expiry probe's script of stacks/claude-agent-service (the heredoc `command` of kubernetes_cron_job_v1 "claude-oauth-expiry-monitor" in the
Terraform stack's main.tf).
Bring it over with `make bring-over FROM=<Terraform checkout>` before a real `pulumi up`.
