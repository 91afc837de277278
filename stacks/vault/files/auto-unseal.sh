# Sidecar loop: every 10 seconds, unseal the local server if it reports itself sealed.
export VAULT_ADDR=http://127.0.0.1:8200
while true; do
  sealed=$(vault status -format=json 2>/dev/null | grep '"sealed"' | grep -o 'true\|false')
  if [ "$sealed" = "true" ]; then
    echo "$(date): sealed; unsealing"
    vault operator unseal "$(cat /vault/unseal-key/unseal-key)"
  fi
  sleep 10
done
