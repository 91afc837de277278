# Pull-request previews (Kubernetes-auth role ci-preview): decrypt stack secrets and read
# the KV entries programs look up, nothing that writes. No transit encrypt (a preview never
# saves state), no database or Kubernetes credentials, no token creation (stacks set
# vault:skipChildToken), and Vault's own entry stays denied.
path "transit/decrypt/pulumi-state" {
  capabilities = ["update"]
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
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
