set -euo pipefail
# bd finds its Dolt server from metadata.json in a directory it can write to; the
# ConfigMap mount is read-only, so work from a copy.
mkdir -p /tmp/.beads
cp /etc/beads-metadata/metadata.json /tmp/.beads/metadata.json
