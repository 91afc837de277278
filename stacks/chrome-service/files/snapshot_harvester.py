PLACEHOLDER: the hourly snapshot harvester (~2.5 kB of operator Python: storage_state() over CDP, atomic write).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); mounted from ConfigMap snapshot-scripts.
