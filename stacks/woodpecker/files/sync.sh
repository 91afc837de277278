PLACEHOLDER: sync.sh of ConfigMap vault-woodpecker-sync (Vault secret/ci/global -> Woodpecker global secrets).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); see docs/migration.md.
