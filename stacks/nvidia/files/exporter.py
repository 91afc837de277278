PLACEHOLDER: the per-pod GPU memory exporter (~7 kB of stdlib Python: runs nvidia-smi, maps each
GPU process to its pod through /proc/<pid>/cgroup and the API, serves
gpu_pod_memory_used_bytes on :9401/metrics and /health). Bring it over from the Terraform repo
(`make bring-over FROM=<checkout>`): the gpu-pod-exporter-script ConfigMap stays byte-identical
at adoption, so the DaemonSet's pods are not replaced.
