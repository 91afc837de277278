# Every per-stack SOPS state key in the transit engine.
path "transit/encrypt/sops-state-*" {
  capabilities = ["update"]
}
path "transit/decrypt/sops-state-*" {
  capabilities = ["update"]
}
path "transit/keys/sops-state-*" {
  capabilities = ["create", "read", "update"]
}
