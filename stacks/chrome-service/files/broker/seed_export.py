PLACEHOLDER: the broker's seed/export subprocess (~1 kB of operator Python, patchright over CDP).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); mounted from ConfigMap chrome-broker-scripts.
