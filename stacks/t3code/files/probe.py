PLACEHOLDER: bring stacks/t3code/files/probe.py over from the Terraform repo
(the t3-probe differential WebSocket/HTTP prober: measures the shared path to t3-dispatch
from inside the cluster and serves Prometheus metrics on :9108; see docs/migration.md).
