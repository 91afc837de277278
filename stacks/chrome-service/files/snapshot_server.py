PLACEHOLDER: the snapshot-server sidecar (~2 kB of stdlib operator Python: bearer-gated storage-state.json endpoint).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); mounted from ConfigMap snapshot-scripts.
