PLACEHOLDER: the turn-cred init container (~4 kB of operator Python: mints the coturn TURN-REST credential, writes neko's ICE-server JSON).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); mounted from ConfigMap snapshot-scripts.
