# Sync of CI secrets into Woodpecker.
path "secret/data/ci/*" {
  capabilities = ["read", "list"]
}
