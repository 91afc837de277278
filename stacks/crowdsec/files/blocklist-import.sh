#!/bin/bash
# Feeds public IP blocklists into CrowdSec once a day. The import runs inside an agent pod
# (already registered with LAPI, has cscli), so this job only finds one, ships the
# importer script there and executes it in native mode.
set -e

# A fixed commit and the digest of its import.sh: what runs in the agent pod is what was
# reviewed, not whatever the branch holds tonight (SEC-034).
IMPORTER_COMMIT=19e378edf819ab741195d603d06f80086ee20dea
IMPORTER_SHA256=ce692f24a8e26edf344b7d77263f5f8c4cbf8a28967589ee0034934ba92015cb
IMPORTER_URL="https://raw.githubusercontent.com/wolffcatskyy/crowdsec-blocklist-import/${IMPORTER_COMMIT}/import.sh"

agent=$(kubectl get pods -n crowdsec -l k8s-app=crowdsec,type=agent -o jsonpath='{.items[0].metadata.name}')
if [ -z "$agent" ]; then
  echo "no CrowdSec agent pod found in namespace crowdsec" >&2
  exit 1
fi
echo "agent pod: $agent"

curl -fsSL -o /tmp/import.sh "$IMPORTER_URL"
if ! echo "${IMPORTER_SHA256}  /tmp/import.sh" | sha256sum -c -; then
  echo "import.sh at ${IMPORTER_COMMIT} does not match its pinned sha256; not running it" >&2
  exit 1
fi
chmod +x /tmp/import.sh
kubectl cp /tmp/import.sh "crowdsec/$agent:/tmp/import.sh"

# Decisions last a week; the importer cleans up after itself.
kubectl exec -n crowdsec "$agent" -- /bin/bash -c '
  set -e
  export MODE=native DECISION_DURATION=168h FETCH_TIMEOUT=60 LOG_LEVEL=INFO
  /tmp/import.sh
  rm -f /tmp/import.sh
'
echo "blocklist import finished"
