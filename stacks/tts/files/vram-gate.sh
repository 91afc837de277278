# Runs in every chatterbox CronJob; ACTION picks what it does:
#   up     - scale chatterbox-tts to 1 when the card has at least FLOOR bytes free
#   guard  - scale it to 0 when free VRAM has fallen under FLOOR
#   down   - scale it to 0, no questions asked
#   demand - follow tripit's narration queue (QUEUE_URL), within the same VRAM rule
set -eu
: "${ACTION:?}" "${FLOOR:?}" "${GPU_TOTAL:?}"
EXPORTER="http://gpu-pod-exporter.nvidia.svc.cluster.local:80/metrics"

scale() {
  kubectl -n tts scale deploy/chatterbox-tts --replicas="$1"
}

# Free VRAM = the card's size minus what the exporter attributes to pods.
# A scrape that fails may never lead to a scale-up; it must not stop a scale-down either.
if ! METRICS="$(curl -sf -m 10 "${EXPORTER}")"; then
  echo "WARN: no metrics from ${EXPORTER}"
  case "${ACTION}" in
    up|demand) echo "${ACTION}: no VRAM reading, not scaling up"; exit 0 ;;
  esac
  METRICS=""
fi
# %.0f, not %d: mawk (Debian's awk) clamps %d at 2^31-1, which would hide every byte past 2 GiB.
USED="$(printf '%s\n' "${METRICS}" | awk '/^gpu_pod_memory_used_bytes\{/ { total += $NF } END { printf "%.0f", total }')"
USED="${USED:-0}"
FREE="$(( GPU_TOTAL - USED ))"
echo "VRAM used=${USED} free=${FREE} floor=${FLOOR} total=${GPU_TOTAL}"

case "${ACTION}" in
  up)
    if [ "${FREE}" -ge "${FLOOR}" ]; then
      echo "up: enough free VRAM, starting chatterbox-tts"; scale 1
    else
      echo "up: not enough free VRAM, staying at 0 until the next window"
    fi
    ;;
  guard)
    if [ "${FREE}" -lt "${FLOOR}" ]; then
      echo "guard: free VRAM under the floor, giving the card back"; scale 0
    else
      echo "guard: free VRAM above the floor, nothing to do"
    fi
    ;;
  down)
    echo "down: window over, stopping chatterbox-tts"; scale 0
    ;;
  demand)
    # Only a count that was read and parsed moves anything: a failed probe is not an empty queue.
    if ! QUEUE="$(curl -sf -m 10 "${QUEUE_URL}")"; then
      echo "demand: queue probe failed, leaving things as they are"; exit 0
    fi
    WAITING="$(printf '%s\n' "${QUEUE}" | sed -n 's/.*"queued"[^0-9]*\([0-9][0-9]*\).*/\1/p')"
    if [ -z "${WAITING}" ]; then
      echo "demand: queue answer not understood, leaving things as they are"; exit 0
    fi
    REPLICAS="$(kubectl -n tts get deploy/chatterbox-tts -o jsonpath='{.spec.replicas}')"
    echo "demand: queued=${WAITING} replicas=${REPLICAS}"
    if [ "${WAITING}" -gt 0 ] && [ "${REPLICAS}" = "0" ]; then
      if [ "${FREE}" -ge "${FLOOR}" ]; then
        echo "demand: work waiting and room on the card, starting chatterbox-tts"; scale 1
      else
        echo "demand: work waiting but no room on the card, the nightly window will catch up"
      fi
    elif [ "${WAITING}" -eq 0 ] && [ "${REPLICAS}" != "0" ]; then
      echo "demand: queue empty, stopping chatterbox-tts"; scale 0
    fi
    ;;
esac
