# Hermes assistant: KV reads only (no database grants), same explicit denies as
# terraform-state.
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
