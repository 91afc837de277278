PLACEHOLDER: bring stacks/k8s-version-upgrade/files/compat-gate.py over from the Terraform repo
(the addon compatibility gate that holds an upgrade target the installed addons do not support; see docs/migration.md).
