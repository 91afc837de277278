# Init step before MeshCentral starts. Traefik terminates TLS and forwards plain HTTP to
# the pod's port 443, so config.json must run MeshCentral in TLS-offload mode.
CONFIG=/opt/meshcentral/meshcentral-data/config.json

if [ ! -f "$CONFIG" ]; then
  # First start: write the config before the image's startup script would generate one
  # (with a certUrl derived from REVERSE_PROXY, wrong behind Traefik).
  cat > "$CONFIG" <<'JSON'
{
  "$schema": "http://info.meshcentral.com/downloads/meshcentral-config-schema.json",
  "settings": {
    "cert": "meshcentral.viktorbarzin.me",
    "_WANonly": true,
    "_LANonly": true,
    "port": 443,
    "redirPort": 80,
    "AgentPong": 300,
    "TLSOffload": true,
    "ignoreAgentHashCheck": true,
    "SelfUpdate": false,
    "AllowFraming": false,
    "WebRTC": false
  },
  "domains": {
    "": {
      "NewAccounts": false
    }
  }
}
JSON
  exit 0
fi

# An existing config: repair the settings the image or an upgrade may have reset.
# certUrl would make MeshCentral fetch the proxy's certificate; keep it commented out.
sed -i 's/"certUrl":/"_certUrl":/g' "$CONFIG"
# WebRTC must be the boolean false, not a string.
sed -i 's/"WebRTC": "[^"]*"/"WebRTC": false/g' "$CONFIG"
# TLS offload on, whichever way it is currently spelled.
sed -i -e 's/"_TLSOffload":/"TLSOffload":/g' \
       -e 's/"TLSOffload": "[^"]*"/"TLSOffload": true/g' \
       -e 's/"TLSOffload": false/"TLSOffload": true/g' "$CONFIG"
# Agents see Traefik's certificate, not MeshCentral's, and it differs per path and
# rotates; without this every agent fails its outer-certificate pin and goes offline.
# The agents still authenticate the server through the mesh certificate handshake.
if ! grep -qi '"ignoreAgentHashCheck"' "$CONFIG"; then
  sed -i 's/"TLSOffload": true/"TLSOffload": true,\n    "ignoreAgentHashCheck": true/' "$CONFIG"
fi
