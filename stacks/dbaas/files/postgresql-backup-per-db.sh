# One custom-format dump per PostgreSQL database (pg_restore of a single database), 14 days
# kept per database; pushes backup_* metrics. Connection: PGHOST, PGUSER, PGPASSWORD.
set -euo pipefail
# The postgres image has no curl; the push is best effort, so is the install.
apt-get update -qq && apt-get install -yqq curl >/dev/null 2>&1 || true

started=$(date +%s)
stamp=$(date +%Y_%m_%d_%H_%M)
total=0 ok=0 failed=0

databases=$(psql -t -A -c "SELECT datname FROM pg_database
  WHERE NOT datistemplate AND datname <> 'postgres' ORDER BY datname")

for db in $databases; do
  total=$(( total + 1 ))
  dir="/backup/per-db/$db"
  dump="$dir/dump_${stamp}.dump"
  mkdir -p "$dir"
  if pg_dump -Fc "$db" > "$dump"; then
    ok=$(( ok + 1 ))
    echo "$db: ok, $(( $(stat -c %s "$dump") / 1024 )) KiB"
  else
    failed=$(( failed + 1 ))
    rm -f "$dump"
    echo "$db: FAILED"
  fi
done

find /backup/per-db -type f -name 'dump_*.dump' -mtime +14 -delete

elapsed=$(( $(date +%s) - started ))
echo "$total databases in ${elapsed}s: $ok ok, $failed failed"

cat <<METRICS | curl -sf --data-binary @- "$PUSHGATEWAY_URL/metrics/job/postgresql-backup-per-db" || true
backup_duration_seconds $elapsed
backup_databases_total $total
backup_databases_ok $ok
backup_databases_failed $failed
backup_last_success_timestamp $(date +%s)
METRICS
