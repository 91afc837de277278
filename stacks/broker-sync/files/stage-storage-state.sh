# Copy Fidelity's browser storage state from the Secret onto the data volume, owned by the
# app user (uid 10001) and private to it.
set -eu
mkdir -p /data
cp /secrets/fidelity_storage_state /data/fidelity_storage_state.json
chown 10001:10001 /data/fidelity_storage_state.json
chmod 600 /data/fidelity_storage_state.json
