ui = true

listener "tcp" {
  tls_disable     = 1
  address         = "[::]:8200"
  cluster_address = "[::]:8201"

  # Traefik forwards from the pod network: trust its X-Forwarded-For so the audit
  # log records the real client address, not the proxy pod.
  x_forwarded_for_authorized_addrs      = "10.10.0.0/16"
  x_forwarded_for_reject_not_authorized = false
  x_forwarded_for_reject_not_present    = false
}

storage "raft" {
  path = "/vault/data"
  retry_join {
    leader_api_addr = "http://vault-0.vault-internal:8200"
  }
  retry_join {
    leader_api_addr = "http://vault-1.vault-internal:8200"
  }
  retry_join {
    leader_api_addr = "http://vault-2.vault-internal:8200"
  }
}

service_registration "kubernetes" {}
