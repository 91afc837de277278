PLACEHOLDER: the goldmane-edges-db-init Job script of stacks/goldmane-edge-aggregator (the heredoc
`command` of kubernetes_job "goldmane-edges-db-init" in the Terraform stack's main.tf, with
@ROOT_PASSWORD@, @PG_HOST@ and @DB_PASSWORD@ where it interpolates).
Bring it over with `make bring-over FROM=<Terraform checkout>` before a real `pulumi up`.
