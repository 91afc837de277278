# Reports how old the newest location point of user 1 is, so an alert can fire when the
# phone apps / OwnTracks bridge stop delivering. Runs under `sh -c`; DB host is filled in
# by the program, the password comes from PGPASSWORD.
set -eu
apk add --no-cache curl >/dev/null 2>&1 || true

LAST=$(psql -h __POSTGRESQL_HOST__ -U dawarich -d dawarich -t -A -c \
  "SELECT COALESCE(EXTRACT(epoch FROM MAX(created_at))::bigint, 0) FROM points WHERE user_id = 1;")
NOW=$(date +%s)

if [ -z "$LAST" ] || [ "$LAST" = "0" ]; then
  echo "no location points for user_id=1" >&2
  exit 1
fi

echo "newest point at $LAST, now $NOW, age $(( (NOW - LAST) / 3600 ))h"

cat <<METRICS | curl -sf --data-binary @- "$PUSHGATEWAY_URL/metrics/job/dawarich-ingestion-freshness/user/viktor"
# TYPE dawarich_last_point_ingested_timestamp gauge
dawarich_last_point_ingested_timestamp $LAST
# TYPE dawarich_ingestion_monitor_last_push_timestamp gauge
dawarich_ingestion_monitor_last_push_timestamp $NOW
METRICS
