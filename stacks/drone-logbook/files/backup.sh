# Nightly copy of the DuckDB data volume onto the NFS backup share; 30 days of copies are
# kept. Pushes backup_* metrics to the Pushgateway for the staleness alerts.
set -euxo pipefail
began=$(date +%s)
stamp=$(date +"%Y_%m_%d_%H_%M")
mkdir -p "/backup/$stamp"
cp -a /data/. "/backup/$stamp/"
find /backup -maxdepth 1 -mindepth 1 -type d -mtime +30 -exec rm -rf {} +
took=$(( $(date +%s) - began ))
size=$(du -sb "/backup/$stamp" | awk '{print $1}')
printf 'backup_duration_seconds %s\nbackup_output_bytes %s\nbackup_last_success_timestamp %s\n' \
  "$took" "$size" "$(date +%s)" \
  | wget -qO- --post-file=- "http://prometheus-prometheus-pushgateway.monitoring:9091/metrics/job/drone-logbook-backup" || true
