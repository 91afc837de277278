# Full control of every path, for the Authentik admins group.
path "*" {
  capabilities = ["create", "read", "update", "delete", "list", "sudo"]
}
