# Emo's project secrets.
path "secret/data/tuya-bridge" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "secret/metadata/tuya-bridge" {
  capabilities = ["list", "read"]
}
