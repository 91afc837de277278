set -eu
# Scales the emulator to zero after six hours without user input inside the guest (taps,
# key presses, app launches, noVNC clicks). Open adb or noVNC connections do not count:
# an `adb connect` nobody disconnects stays open forever and would keep it awake.
NS=android-emulator
DEPLOY=android-emulator
IDLE_LIMIT_SECONDS=21600

replicas=$(kubectl -n "$NS" get deployment "$DEPLOY" -o jsonpath='{.spec.replicas}')
if [ "$replicas" = "0" ]; then
  echo "already scaled to zero"
  exit 0
fi

pod=$(kubectl -n "$NS" get pods -l "app=$DEPLOY" --field-selector=status.phase=Running \
  -o jsonpath='{.items[0].metadata.name}')
if [ -z "$pod" ]; then
  echo "no running emulator pod (still starting?); leaving it up"
  exit 0
fi

# Both values are milliseconds on the guest's uptime clock. Each reading is captured whole
# before it is parsed: piping `kubectl exec` straight into a parser that stops early kills
# the exec with SIGPIPE, which `set -e` turns into a failed run. An unreadable value
# (Android still booting, adb not up) keeps the emulator running.
uptime_out=$(kubectl -n "$NS" exec "$pod" -- adb shell cat /proc/uptime 2>/dev/null || true)
power_out=$(kubectl -n "$NS" exec "$pod" -- adb shell dumpsys power 2>/dev/null || true)
now_ms=$(printf '%s' "$uptime_out" | awk '{ printf "%d", $1 * 1000 }')
last_ms=$(printf '%s' "$power_out" \
  | awk -F= '/mLastUserActivityTime\(excludingAttention\)/ { v = $2 } END { gsub(/[^0-9]/, "", v); print v }')
if [ -z "$now_ms" ] || [ -z "$last_ms" ]; then
  echo "could not read the guest's activity; leaving it up"
  exit 0
fi

idle=$(( (now_ms - last_ms) / 1000 ))
echo "last user activity ${idle}s ago (limit ${IDLE_LIMIT_SECONDS}s)"
if [ "$idle" -ge "$IDLE_LIMIT_SECONDS" ]; then
  # The same replicas patch the wake gate uses to scale up; the account has no deployments/scale.
  kubectl -n "$NS" patch deployment "$DEPLOY" --type=merge -p '{"spec":{"replicas":0}}'
  echo "idle past the limit: scaled to zero"
else
  echo "used within the limit; leaving it up"
fi
