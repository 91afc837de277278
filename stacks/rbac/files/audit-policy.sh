# API-server audit logging on the control-plane node: install the audit policy and make sure
# the kube-apiserver static pod has the audit flags and the two host paths mounted.
# The log (/var/log/kubernetes/audit.log) is shipped to Loki by the Alloy DaemonSet.
#
# Runs as `bash -s` (script on stdin) with passwordless sudo; needs python3 with PyYAML on
# the node. Idempotent: the manifest is rewritten, and the API server restarted by the
# kubelet, only when something is missing. The API server reads the policy file at start
# only, so a policy-only change takes effect at its next restart.
# @AUDIT_POLICY_B64@ is filled in by the rbac stack (the policy, base64).
set -euo pipefail

manifest=/etc/kubernetes/manifests/kube-apiserver.yaml
policy_dir=/etc/kubernetes/policies
log_dir=/var/log/kubernetes

sudo mkdir -p "$policy_dir" "$log_dir"
printf '%s' '@AUDIT_POLICY_B64@' | base64 -d | sudo tee "$policy_dir/audit-policy.yaml" >/dev/null
sudo chown root:root "$policy_dir/audit-policy.yaml"

outcome=$(sudo python3 - "$manifest" "$policy_dir" "$log_dir" <<'PY'
import sys

import yaml

path, policy_dir, log_dir = sys.argv[1:4]
with open(path) as handle:
    pod = yaml.safe_load(handle)
spec = pod["spec"]
container = spec["containers"][0]
before = yaml.safe_dump(pod, sort_keys=False)

flags = [
    f"--audit-policy-file={policy_dir}/audit-policy.yaml",
    f"--audit-log-path={log_dir}/audit.log",
    "--audit-log-maxage=7",
    "--audit-log-maxbackup=3",
    "--audit-log-maxsize=100",
]
command = container["command"]
command += [flag for flag in flags if flag not in command]

volumes = spec.setdefault("volumes", [])
known = {volume["name"] for volume in volumes}
for name, host_path in (("audit-policy", policy_dir), ("audit-log", log_dir)):
    if name not in known:
        volumes.append({"name": name, "hostPath": {"path": host_path, "type": "DirectoryOrCreate"}})

mounts = container.setdefault("volumeMounts", [])
mounted = {mount["mountPath"] for mount in mounts}
for mount in ({"mountPath": policy_dir, "name": "audit-policy", "readOnly": True},
              {"mountPath": log_dir, "name": "audit-log"}):
    if mount["mountPath"] not in mounted:
        mounts.append(mount)

after = yaml.safe_dump(pod, sort_keys=False)
if after == before:
    print("unchanged")
else:
    with open(path, "w") as handle:
        handle.write(after)
    print("changed")
PY
)

if [ "$outcome" = unchanged ]; then
  echo "audit policy written; kube-apiserver manifest already has the audit settings"
  exit 0
fi

echo "audit settings added to the kube-apiserver manifest; waiting for it to restart"
for attempt in $(seq 1 45); do
  sleep 2
  case "$(curl -sk --max-time 5 https://localhost:6443/livez 2>/dev/null || true)" in
    ok*) echo "kube-apiserver is live with audit logging"; exit 0 ;;
  esac
done
echo "WARN: kube-apiserver not live yet after the audit change; check the node" >&2
