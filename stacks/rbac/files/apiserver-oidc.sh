# kube-apiserver authentication from a structured AuthenticationConfiguration (two Authentik
# JWT issuers: the kubectl/kubelogin client and the Dashboard's oauth2-proxy).
#
# Runs on the control-plane node as `bash -s` (script on stdin) with passwordless sudo:
# from the rbac stack's remote command, and from the k8s-version-upgrade chain, which
# reads it from ConfigMap kube-system/apiserver-oidc-restore after a kubeadm upgrade.
# So nothing below may read standard input except through an explicit here-document.
# Idempotent: on a node that already matches, it rewrites one file with the same bytes.
# @AUTH_CONFIG_B64@ is filled in by the rbac stack (the configuration, base64).
set -euo pipefail

manifest=/etc/kubernetes/manifests/kube-apiserver.yaml
auth_file=/etc/kubernetes/pki/auth-config.yaml
# Never under manifests/: the kubelet starts every file there as a static pod.
backup_dir=/etc/kubernetes/apiserver-oidc-bak

livez_ok() {
  case "$(curl -sk --max-time 5 https://localhost:6443/livez 2>/dev/null || true)" in
    ok*) return 0 ;;
    *) return 1 ;;
  esac
}

wait_for_livez() {
  local attempt
  for attempt in $(seq 1 60); do
    sleep 2
    if livez_ok; then return 0; fi
  done
  return 1
}

sudo install -d -m 700 "$backup_dir"

# The API server watches this file and reloads it; no restart is needed for a change.
printf '%s' '@AUTH_CONFIG_B64@' | base64 -d | sudo tee "$auth_file" >/dev/null
sudo chmod 600 "$auth_file"

edited=0
if ! sudo grep -q -- '--authentication-config=' "$manifest"; then
  backup="$backup_dir/kube-apiserver.yaml.$(date +%s)"
  sudo cp "$manifest" "$backup"
  edited=1
  # The single-issuer flags cannot be combined with --authentication-config.
  sudo sed -i -e '/--oidc-issuer-url/d' -e '/--oidc-client-id/d' \
    -e '/--oidc-username-claim/d' -e '/--oidc-groups-claim/d' "$manifest"
  if ! sudo python3 - "$manifest" "--authentication-config=$auth_file" <<'PY'
import sys

path, flag = sys.argv[1], sys.argv[2]
with open(path) as handle:
    lines = handle.readlines()
for index, line in enumerate(lines):
    if "- --authorization-mode=" in line:
        # Same list-item indentation as the neighbouring flag.
        margin = line[: len(line) - len(line.lstrip())]
        lines.insert(index + 1, f"{margin}- {flag}\n")
        break
else:
    sys.exit("no --authorization-mode flag to place --authentication-config after")
with open(path, "w") as handle:
    handle.writelines(lines)
PY
  then
    echo "could not add --authentication-config; restoring $backup" >&2
    sudo cp "$backup" "$manifest"
    exit 1
  fi
fi

if ! sudo grep -q -- '--authentication-config=' "$manifest"; then
  echo "--authentication-config is still missing from $manifest" >&2
  exit 1
fi

echo "waiting for kube-apiserver /livez"
if ! wait_for_livez; then
  if [ "$edited" = 1 ]; then
    echo "kube-apiserver did not become live; restoring $backup" >&2
    sudo cp "$backup" "$manifest"
    wait_for_livez || true
  else
    echo "kube-apiserver is not live (its manifest was not changed by this run)" >&2
  fi
  exit 1
fi
echo "kube-apiserver is live with the structured authentication file"

# kubeadm regenerates the static-pod manifest from the kubeadm-config ConfigMap on every
# upgrade. Keep that ConfigMap in step (no single-issuer oidc args, an authentication-config
# arg) so an upgrade does not silently drop the flag. The ConfigMap is read only at upgrade
# time, so this changes nothing live; a failure here is reported, not fatal.
kubectl_admin() { sudo kubectl --kubeconfig /etc/kubernetes/admin.conf "$@"; }
cluster_config=$(kubectl_admin -n kube-system get configmap kubeadm-config \
  -o jsonpath='{.data.ClusterConfiguration}' 2>/dev/null || true)
if [ -z "$cluster_config" ]; then
  echo "WARN: kubeadm-config not readable; skipping its reconciliation" >&2
  exit 0
fi
if ! grep -q 'oidc-issuer-url' <<<"$cluster_config" \
   && grep -q 'authentication-config' <<<"$cluster_config"; then
  echo "kubeadm-config already carries authentication-config"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/reconcile.py" <<'PY'
# Edit the apiServer extraArgs list of a ClusterConfiguration as text (only python3's
# standard library is assumed on the node): drop every oidc-* entry and add
# authentication-config right after authorization-mode. Exit 3 without output when there
# is no authorization-mode entry to anchor on.
import sys

auth_file = sys.argv[1]
lines = sys.stdin.read().split("\n")
present = any("name: authentication-config" in line for line in lines)
result = []
index = 0
while index < len(lines):
    line = lines[index]
    item = line.strip()
    following = lines[index + 1].strip() if index + 1 < len(lines) else ""
    if item.startswith("- name: oidc-"):
        index += 2 if following.startswith("value:") else 1
        continue
    result.append(line)
    index += 1
    if not present and item == "- name: authorization-mode":
        if following.startswith("value:"):
            result.append(lines[index])
            index += 1
        margin = line[: len(line) - len(line.lstrip())]
        result += [f"{margin}- name: authentication-config", f"{margin}  value: {auth_file}"]
        present = True
if not present:
    sys.stderr.write("no authorization-mode entry in apiServer extraArgs\n")
    sys.exit(3)
sys.stdout.write("\n".join(result))
PY
echo "reconciling kubeadm-config: oidc-* args -> authentication-config"
if python3 "$work/reconcile.py" "$auth_file" <<<"$cluster_config" >"$work/cluster-config.yaml" \
   && sudo kubeadm init phase upload-config kubeadm --config "$work/cluster-config.yaml" </dev/null; then
  echo "kubeadm-config reconciled; later upgrades keep --authentication-config"
else
  echo "WARN: kubeadm-config reconciliation failed; the upgrade chain's preflight will warn" >&2
fi
