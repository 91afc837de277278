PLACEHOLDER: the git-init init container's script of stacks/claude-agent-service (the heredoc `command` of kubernetes_deployment "claude-agent-service", 1st in the
Terraform stack's main.tf).
Bring it over with `make bring-over FROM=<Terraform checkout>` before a real `pulumi up`.
