# VPN portal: its single KV entry (config and the WireGuard peer list).
path "secret/data/vpn-portal" {
  capabilities = ["create", "read", "update"]
}
path "secret/metadata/vpn-portal" {
  capabilities = ["read"]
}
