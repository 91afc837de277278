set -euo pipefail
# Taint every node carrying an NVIDIA PCI device (NFD's vendor label 10de), so only pods that
# tolerate nvidia.com/gpu=true:NoSchedule are scheduled there; the label follows the card.
# `kubectl taint --overwrite` keys on key *and* effect: an older PreferNoSchedule taint with the
# same key would stay beside the new one, so it is removed first (its absence is fine).
gpu_nodes=$(kubectl get nodes -l feature.node.kubernetes.io/pci-10de.present=true -o jsonpath='{.items[*].metadata.name}')
for node in $gpu_nodes; do
  kubectl taint nodes "$node" nvidia.com/gpu:PreferNoSchedule- 2>/dev/null || true
  kubectl taint nodes "$node" nvidia.com/gpu=true:NoSchedule --overwrite
done
