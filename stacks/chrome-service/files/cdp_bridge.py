PLACEHOLDER: the CDP bridge (~8.5 kB of operator Python: forwards 0.0.0.0:9222 to Chrome's loopback CDP, rewriting Host).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); mounted from ConfigMap snapshot-scripts into the chrome-service pod and the pool workers.
