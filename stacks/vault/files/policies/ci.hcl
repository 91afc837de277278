# Woodpecker pipelines: read KV, write the platform entry (user onboarding),
# mint namespace deploy tokens and use the SOPS state keys.
path "secret/data/*" {
  capabilities = ["read", "list"]
}
path "secret/metadata/*" {
  capabilities = ["list"]
}
path "secret/data/platform" {
  capabilities = ["create", "read", "update"]
}
path "kubernetes/creds/*-deployer" {
  capabilities = ["read"]
}
path "transit/encrypt/sops-state-*" {
  capabilities = ["update"]
}
path "transit/decrypt/sops-state-*" {
  capabilities = ["update"]
}
path "transit/keys/sops-state-*" {
  capabilities = ["read"]
}
