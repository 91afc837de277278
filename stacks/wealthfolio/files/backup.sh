PLACEHOLDER: the backup sidecar's script of stacks/wealthfolio (the heredoc of kubernetes_deployment "wealthfolio" (1st `command`) in the
Terraform stack's main.tf).
Bring it over with `make bring-over FROM=<Terraform checkout>` before a real `pulumi up`.
