# Weekly Raft snapshot onto the NFS share; 30 days kept; timing and IO pushed to
# the Pushgateway (a failed push never fails the backup).
set -eu
started=$(date +%s)
io() { awk -v k="$1" '$1 == k":" {print $2}' /proc/$$/io 2>/dev/null || echo 0; }
read0=$(io read_bytes); write0=$(io write_bytes)

export VAULT_ADDR=http://vault-active.vault.svc.cluster.local:8200
# Log in as the job's own service account: the raft-backup role may only take snapshots.
VAULT_TOKEN=$(vault write -field=token auth/kubernetes/login role=raft-backup \
  jwt=@/var/run/secrets/kubernetes.io/serviceaccount/token)
export VAULT_TOKEN
snapshot=/backup/vault-raft-$(date +%Y%m%d-%H%M%S).db
vault operator raft snapshot save "$snapshot"
find /backup -name '*.db' -mtime +30 -delete
echo "snapshot written: $snapshot"
ls -lh /backup/

elapsed=$(( $(date +%s) - started ))
read1=$(io read_bytes); write1=$(io write_bytes)
size=$(stat -c%s "$snapshot")
echo "duration ${elapsed}s, read $(( (read1 - read0) / 1048576 )) MiB, written $(( (write1 - write0) / 1048576 )) MiB, snapshot ${size} bytes"
metrics="backup_duration_seconds ${elapsed}
backup_read_bytes $((read1 - read0))
backup_written_bytes $((write1 - write0))
backup_output_bytes ${size}
backup_last_success_timestamp $(date +%s)
"
wget -qO- --post-data "$metrics" \
  "http://prometheus-prometheus-pushgateway.monitoring:9091/metrics/job/vault-raft-backup" || true
