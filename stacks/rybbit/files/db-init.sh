PLACEHOLDER: the psql script of the rybbit `rybbit-db-init` Job (the heredoc `command` of
kubernetes_job "db_init" in the Terraform stack's main.tf). Bring it over with
`make bring-over FROM=<Terraform checkout>` before a real `pulumi up`: the Job's pod template
is immutable, so any byte of difference replaces the Job and re-runs the script. The
Terraform interpolation of the Postgres host becomes the token @POSTGRESQL_HOST@.
