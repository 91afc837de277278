PLACEHOLDER: the claude-memory-db-init Job script of stacks/claude-memory (the heredoc `command` of
kubernetes_job "claude-memory-db-init" in the Terraform stack's main.tf, with @ROOT_PASSWORD@,
@PG_HOST@ and @DB_PASSWORD@ where it interpolates).
Bring it over with `make bring-over FROM=<Terraform checkout>` before a real `pulumi up`.
