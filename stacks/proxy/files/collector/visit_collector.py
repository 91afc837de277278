PLACEHOLDER: the visit-collector sidecar (~4 kB of operator Python that logs page visits over loopback CDP to stdout/Loki).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); the broker mounts ConfigMap proxy-visit-collector into every browser pod.
