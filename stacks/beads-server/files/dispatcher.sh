PLACEHOLDER: dispatcher.sh of stacks/beads-server (the heredoc of kubernetes_cron_job_v1 "beads-dispatcher" (`command`) in the
Terraform stack's main.tf).
Bring it over with `make bring-over FROM=<Terraform checkout>` before a real `pulumi up`.
