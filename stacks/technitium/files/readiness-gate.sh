# Post-up readiness gate for the three Technitium servers (read-only; safe to repeat).
# Fails the `pulumi up` unless every Deployment has rolled out, every dns-server pod answers
# an A query for idrac.viktorbarzin.lan from its own resolver, and all pods give the same
# answer (a replica that missed a zone transfer disagrees or answers nothing).
set -euo pipefail
ns=technitium
probe=idrac.viktorbarzin.lan
echo "technitium readiness gate"

for deployment in technitium technitium-secondary technitium-tertiary; do
  kubectl -n "$ns" rollout status "deployment/$deployment" --timeout=180s
done

pods=$(kubectl -n "$ns" get pods -l dns-server=true -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}')
if [ -z "$pods" ]; then
  echo "no pod labelled dns-server=true" >&2
  exit 1
fi

answers=""
for pod in $pods; do
  # Zones can take a while to load after a restart: up to six tries, ten seconds apart.
  answer=""
  for attempt in 1 2 3 4 5 6; do
    reply=$(kubectl -n "$ns" exec "$pod" -- dig +short +time=5 +tries=2 @127.0.0.1 "$probe" A 2>&1 || true)
    if printf '%s\n' "$reply" | grep -qE '^[0-9]+(\.[0-9]+){3}$'; then
      answer=$(printf '%s\n' "$reply" | grep -E '^[0-9]+(\.[0-9]+){3}$' | head -1)
      break
    fi
    echo "  $pod: no A record for $probe yet (try $attempt)"
    sleep 10
  done
  if [ -z "$answer" ]; then
    echo "$pod never answered an A record for $probe" >&2
    exit 1
  fi
  echo "  $pod: $probe -> $answer"
  answers="$answers $answer"
done

distinct=$(printf '%s\n' $answers | sort -u | wc -l)
if [ "$distinct" -gt 1 ]; then
  echo "the servers disagree on $probe:$answers" >&2
  exit 1
fi
echo "technitium readiness gate passed"
