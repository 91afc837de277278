# Register nextcloud-todos' webhook listener in Nextcloud for each event it handles.
# Idempotent: an event whose hook (same URL) is already listed is skipped, so re-running
# after an import or a token change adds nothing twice.
# Env: NC_ADMIN_APP_PW (admin app password), WEBHOOK_BEARER_TOKEN (what the hook checks).
set -eu
API="https://nextcloud.viktorbarzin.me/ocs/v2.php/apps/webhook_listeners/api/v1/webhooks"
HOOK="http://nextcloud-todos.nextcloud-todos.svc.cluster.local:8080/nextcloud/hook"

registered=$(curl -fsS -H "OCS-APIRequest: true" -H "Accept: application/json" -u "admin:${NC_ADMIN_APP_PW}" "${API}")

for event in CalendarObjectCreatedEvent; do
  if printf '%s' "${registered}" | grep -F "${HOOK}" | grep -qF "${event}"; then
    echo "${event}: already registered"
    continue
  fi
  echo "${event}: registering"
  curl -fsS -X POST -H "OCS-APIRequest: true" -H "Content-Type: application/json" -u "admin:${NC_ADMIN_APP_PW}" "${API}" \
    -d "{\"httpMethod\":\"POST\",\"uri\":\"${HOOK}\",\"event\":\"OCP\\\\Calendar\\\\Events\\\\${event}\",\"authMethod\":\"header\",\"authData\":{\"Authorization\":\"Bearer ${WEBHOOK_BEARER_TOKEN}\"}}"
  echo
done
