# Weekly online SQLite backup of the app database into a dated directory on the NFS
# backup share; 30 days of copies are kept.
set -euxo pipefail
apk add --no-cache sqlite
stamp=$(date +"%Y_%m_%d_%H_%M")
mkdir -p "/backup/$stamp"
sqlite3 /data/database.sqlite ".backup /backup/$stamp/database.sqlite"
find /backup -maxdepth 1 -mindepth 1 -type d -mtime +30 -exec rm -rf {} +
echo "backup written: $stamp"
