PLACEHOLDER: the vault-token-refresher sidecar's loop of stacks/claude-agent-service (the heredoc `command` of kubernetes_deployment "claude-agent-service", 4th in the
Terraform stack's main.tf).
Bring it over with `make bring-over FROM=<Terraform checkout>` before a real `pulumi up`.
