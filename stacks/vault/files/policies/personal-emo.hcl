# Emo's personal KV subtree.
path "secret/data/emo" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "secret/data/emo/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "secret/metadata/emo" {
  capabilities = ["list", "read", "delete"]
}
path "secret/metadata/emo/*" {
  capabilities = ["list", "read", "delete"]
}
