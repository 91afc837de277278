# One dump per MySQL database (restore a single database without touching the others),
# 14 days kept per database; pushes backup_* metrics.
set -euo pipefail

started=$(date +%s)
stamp=$(date +%Y_%m_%d_%H_%M)
total=0 ok=0 failed=0

databases=$(mysql -u root --host "$MYSQL_HOST" -N -e "SELECT schema_name FROM information_schema.schemata
  WHERE schema_name NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys', 'mysql_innodb_cluster_metadata')")

for db in $databases; do
  total=$(( total + 1 ))
  dir="/backup/per-db/$db"
  dump="$dir/dump_${stamp}.sql.gz"
  mkdir -p "$dir"
  if mysqldump -u root --host "$MYSQL_HOST" --single-transaction --set-gtid-purged=OFF "$db" | gzip -9 > "$dump"; then
    ok=$(( ok + 1 ))
    echo "$db: ok, $(( $(stat -c %s "$dump") / 1024 )) KiB"
  else
    failed=$(( failed + 1 ))
    rm -f "$dump"
    echo "$db: FAILED"
  fi
done

find /backup/per-db -type f -name 'dump_*.sql.gz' -mtime +14 -delete

elapsed=$(( $(date +%s) - started ))
echo "$total databases in ${elapsed}s: $ok ok, $failed failed"

cat <<METRICS | curl -sf --data-binary @- "$PUSHGATEWAY_URL/metrics/job/mysql-backup-per-db" || true
backup_duration_seconds $elapsed
backup_databases_total $total
backup_databases_ok $ok
backup_databases_failed $failed
backup_last_success_timestamp $(date +%s)
METRICS
