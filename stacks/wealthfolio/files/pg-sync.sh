PLACEHOLDER: the pg-sync sidecar's script of stacks/wealthfolio (the heredoc of kubernetes_deployment "wealthfolio" (2nd `command`) in the
Terraform stack's main.tf).
Bring it over with `make bring-over FROM=<Terraform checkout>` before a real `pulumi up`.
