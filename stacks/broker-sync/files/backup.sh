# Nightly copy of the sync and FX databases and the CSV archive to the NFS backup share,
# one timestamped directory per run; 30 days of copies are kept.
set -eu
dir="/backup/$(date +%Y-%m-%dT%H-%M-%S)"
mkdir -p "$dir"
for db in sync.db fx.db; do
  cp -a "/data/$db" "$dir/" 2>/dev/null || true
done
if [ -d /data/csv-archive ]; then
  cp -a /data/csv-archive "$dir/"
fi
find /backup -mindepth 1 -maxdepth 1 -type d -mtime +30 -exec rm -rf {} +
echo "backup written: $dir"
