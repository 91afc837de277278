PLACEHOLDER: presence-schema.sql of stacks/beads-server (the heredoc of kubernetes_config_map "dolt-init" (data key `02-create-presence-table.sql`) in the
Terraform stack's main.tf).
Bring it over with `make bring-over FROM=<Terraform checkout>` before a real `pulumi up`.
