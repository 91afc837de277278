# External Secrets Operator: all KV except Vault's own entry, plus rotated DB passwords.
path "secret/data/*" {
  capabilities = ["read", "list"]
}
path "secret/data/vault" {
  capabilities = ["deny"]
}
path "database/static-creds/*" {
  capabilities = ["read"]
}
