set -euo pipefail
# The VRAM budget as a node extended resource on every GPU node. Capacity is node status, which
# only the status subresource accepts; `op: add` on a key already present replaces its value.
gpu_nodes=$(kubectl get nodes -l nvidia.com/gpu.present=true -o jsonpath='{.items[*].metadata.name}')
for node in $gpu_nodes; do
  echo "@VERB@ @RESOURCE@=@TOTAL_MIB@ on $node"
  kubectl patch node "$node" --subresource=status --type=json \
    -p="[{\"op\":\"add\",\"path\":\"@POINTER@\",\"value\":\"@TOTAL_MIB@\"}]"
done
