# OpenClaw: its own Kubernetes token role and KV reads.
path "kubernetes/creds/openclaw" {
  capabilities = ["read"]
}
path "secret/data/*" {
  capabilities = ["read", "list"]
}
