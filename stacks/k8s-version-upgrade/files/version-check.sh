PLACEHOLDER: bring stacks/k8s-version-upgrade/files/version-check.sh over from the Terraform repo
(the k8s-version-check CronJob's command: finds an available patch/minor target and starts the preflight Job; see docs/migration.md).
