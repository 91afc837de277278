PLACEHOLDER: bring over modules/create-template-vm/k8s-node-containerd-setup.sh from the Terraform repo (see docs/migration.md).
