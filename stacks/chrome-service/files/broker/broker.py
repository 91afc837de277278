PLACEHOLDER: the chrome-broker session broker and FleetView API (~18 kB of stdlib operator Python: worker-pool acquire/release, bare worker pods, idle reaper, metrics).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); mounted from ConfigMap chrome-broker-scripts at /broker/broker.py and run by the broker Deployment.
