PLACEHOLDER: the pool worker's Chrome launcher (~2 kB of operator shell).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); mounted from ConfigMap snapshot-scripts into chrome-worker-warm and the broker's bare workers.
