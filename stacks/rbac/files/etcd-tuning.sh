# etcd on the control-plane node takes a WAL snapshot every @SNAPSHOT_COUNT@ applied entries
# instead of the default 10000, which cuts its disk writes. The flag lives in the kubeadm
# static-pod manifest, so a kubeadm upgrade resets it: re-run after upgrading.
#
# Runs as `bash -s` (script on stdin) with passwordless sudo; needs python3 with PyYAML on
# the node. Idempotent: the manifest (and so etcd) is touched only when the flag differs.
set -euo pipefail

sudo python3 - /etc/kubernetes/manifests/etcd.yaml "--snapshot-count=@SNAPSHOT_COUNT@" <<'PY'
import sys

import yaml

path, wanted = sys.argv[1], sys.argv[2]
with open(path) as handle:
    pod = yaml.safe_load(handle)
container = pod["spec"]["containers"][0]
current = [arg for arg in container["command"] if arg.startswith("--snapshot-count=")]
if current == [wanted]:
    print(f"etcd already runs with {wanted}")
    sys.exit(0)
container["command"] = [arg for arg in container["command"] if not arg.startswith("--snapshot-count=")]
container["command"].append(wanted)
with open(path, "w") as handle:
    yaml.safe_dump(pod, handle, sort_keys=False)
print(f"etcd manifest now has {wanted}")
PY
