# Scale the kubeadm CoreDNS Deployment to three replicas, require one replica per node, and
# wait for it to settle. Run by `pulumi up` (pulumi_command local.Command) on the operator's
# machine with kubectl on the PATH. Safe to repeat: scaling to the current count and
# replacing the anti-affinity with the same value change nothing, and the wait returns at once.
set -euo pipefail
kubectl -n kube-system scale deployment/coredns --replicas=3

# Replace kubeadm's preferred spread with a required one (hostname topology). Best effort,
# as before: a template without an affinity block makes the JSON patch fail, and the gate
# below still waits for the rollout.
spread='{"requiredDuringSchedulingIgnoredDuringExecution":[{"labelSelector":{"matchExpressions":[{"key":"k8s-app","operator":"In","values":["kube-dns"]}]},"topologyKey":"kubernetes.io/hostname"}]}'
kubectl -n kube-system patch deployment/coredns --type=json \
  -p="[{\"op\":\"replace\",\"path\":\"/spec/template/spec/affinity/podAntiAffinity\",\"value\":${spread}}]" || true

kubectl -n kube-system rollout status deployment/coredns --timeout=120s
