PLACEHOLDER: bring stacks/k8s-version-upgrade/files/update_k8s.sh over from the Terraform repo
(the per-node kubeadm/kubelet/kubectl upgrade body, run over SSH on each node; see docs/migration.md).
