PLACEHOLDER: bring over modules/create-template-vm/k8s-node-post-join-tune.sh from the Terraform repo (see docs/migration.md).
