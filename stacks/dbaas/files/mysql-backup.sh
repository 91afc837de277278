# Whole-server MySQL dump onto the backup share, 14 days kept; pushes backup_* metrics.
set -euxo pipefail

# I/O counters of this shell; reaped children (mysqldump, gzip) are included.
io_counter() { awk -v key="$1:" '$1 == key { print $2 }' "/proc/$$/io" 2>/dev/null || echo 0; }

started=$(date +%s)
read0=$(io_counter read_bytes)
written0=$(io_counter write_bytes)

stamp=$(date +%Y_%m_%d_%H_%M)
dump="/backup/dump_${stamp}.sql.gz"
mysqldump --all-databases -u root --host "$MYSQL_HOST" | gzip -9 > "$dump"

# Retention; also sweeps uncompressed dumps left by older versions of this job.
find /backup -type f \( -name 'dump_*.sql.gz' -o -name 'dump_*.sql' \) -mtime +14 -delete

elapsed=$(( $(date +%s) - started ))
read_bytes=$(( $(io_counter read_bytes) - read0 ))
written_bytes=$(( $(io_counter write_bytes) - written0 ))
size=$(stat -c %s "$dump")
echo "backup took ${elapsed}s, read $(( read_bytes / 1048576 )) MiB, wrote $(( written_bytes / 1048576 )) MiB, dump $(( size / 1048576 )) MiB"

cat <<METRICS | curl -sf --data-binary @- "$PUSHGATEWAY_URL/metrics/job/mysql-backup" || true
backup_duration_seconds $elapsed
backup_read_bytes $read_bytes
backup_written_bytes $written_bytes
backup_output_bytes $size
backup_last_success_timestamp $(date +%s)
METRICS
