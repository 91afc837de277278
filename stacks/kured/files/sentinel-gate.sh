# kured reboots a node only while GATE (its rebootSentinel, seen from the host) exists. This
# loop creates it when the host wants a reboot and the cluster is healthy, and removes it
# otherwise, re-checking every INTERVAL seconds. (The two paths can be overridden only so the
# project's test can run the loop against a scratch directory.)
NEEDS_REBOOT=${NEEDS_REBOOT:-/host/var-run/reboot-required}
GATE=${GATE:-/host/var-run/gated-reboot-required}
INTERVAL=300
# No node may have become Ready within SOAK seconds: the last rebooted node gets a day of
# observation before the next one drains.
SOAK=86400
# The loop's memory creeps up with every kubectl fork; leaving after MAX_ROUNDS checks (about
# an hour) lets kubelet start a fresh container before the cgroup limit is reached.
MAX_ROUNDS=12

blocked() {
  echo "  BLOCKED: $1"
  rm -f "$GATE"
}

count_lines() {
  wc -l | tr -d ' '
}

became_ready_recently() {
  local now since changed
  now=$(date +%s)
  while IFS= read -r changed; do
    [ -n "$changed" ] || continue
    since=$(date -d "$changed" +%s 2>/dev/null || date -j -f "%Y-%m-%dT%H:%M:%SZ" "$changed" +%s 2>/dev/null)
    if [ -z "$since" ] || [ $(( now - since )) -lt "$SOAK" ]; then
      return 0
    fi
  done < <(kubectl get nodes -o jsonpath='{range .items[*]}{range .status.conditions[?(@.type=="Ready")]}{.lastTransitionTime}{"\n"}{end}{end}')
  return 1
}

check_once() {
  if [ ! -f "$NEEDS_REBOOT" ]; then
    echo "  No reboot required on this host"
    rm -f "$GATE"
    return
  fi
  echo "  Host has $NEEDS_REBOOT"

  local not_ready
  not_ready=$(kubectl get nodes --no-headers | grep -v ' Ready' | count_lines)
  if [ "$not_ready" -gt 0 ]; then
    blocked "$not_ready node(s) not Ready"
    return
  fi
  echo "  All nodes Ready"

  local calico_down
  calico_down=$(kubectl get pods -n calico-system -l k8s-app=calico-node --no-headers 2>/dev/null | grep -v Running | count_lines)
  if [ "$calico_down" -gt 0 ]; then
    blocked "$calico_down calico-node pod(s) not Running"
    return
  fi
  echo "  All calico-node pods Running"

  if became_ready_recently; then
    blocked "a node became Ready within the last $SOAK seconds (soak window)"
    return
  fi
  echo "  No node became Ready within the soak window"

  echo "  All checks passed: opening the gate ($GATE)"
  touch "$GATE"
}

round=0
while true; do
  round=$((round + 1))
  if [ "$round" -gt "$MAX_ROUNDS" ]; then
    echo "  $MAX_ROUNDS checks done: exiting for a fresh container"
    exit 0
  fi
  echo "[$(date)] Checking the reboot gate (check $round/$MAX_ROUNDS)"
  check_once
  sleep "$INTERVAL"
done
