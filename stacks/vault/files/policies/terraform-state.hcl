# The shared agent pod that runs state-backend applies: DB credentials and KV reads.
# Vault's own entry and the breakglass key are denied explicitly (deny beats the
# wildcard grants).
path "database/static-creds/*" {
  capabilities = ["read"]
}
path "database/creds/*" {
  capabilities = ["read"]
}
path "secret/data/*" {
  capabilities = ["read"]
}
path "secret/metadata/*" {
  capabilities = ["read", "list"]
}
path "secret/data/vault" {
  capabilities = ["deny"]
}
path "secret/metadata/vault" {
  capabilities = ["deny"]
}
path "secret/data/claude-breakglass/*" {
  capabilities = ["deny"]
}
path "secret/metadata/claude-breakglass/*" {
  capabilities = ["deny"]
}
