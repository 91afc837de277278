#!/bin/sh
# Restart the Whisker pod when its backend has lost the Goldmane stream (it never reconnects
# by itself and has no liveness probe). A Goldmane outage is not Whisker's fault: skip then.
set -eu
NS=calico-system
THRESHOLD=10

ready=$(kubectl -n "$NS" get pod -l k8s-app=goldmane \
  -o jsonpath='{.items[*].status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)
case "$ready" in
  *True*) ;;
  *) echo "goldmane is not Ready: nothing to heal on the whisker side"; exit 0 ;;
esac

errors=$(kubectl -n "$NS" logs -l k8s-app=whisker -c whisker-backend --since=11m --tail=500 2>/dev/null \
  | grep -cE 'failed to stream flows|failed to list filter hints|code = Unavailable|i/o timeout' || true)
errors=${errors:-0}

if [ "$errors" -ge "$THRESHOLD" ]; then
  echo "whisker-backend wedged ($errors Goldmane connection errors in 11m): deleting the whisker pod"
  kubectl -n "$NS" delete pod -l k8s-app=whisker --ignore-not-found
else
  echo "whisker-backend healthy ($errors Goldmane connection errors in 11m)"
fi
