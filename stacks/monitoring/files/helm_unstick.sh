PLACEHOLDER: bring stacks/monitoring/modules/monitoring/helm_unstick.sh over from the Terraform repo
(the helm-unstick CronJob's script, key helm_unstick.sh of ConfigMap helm-unstick-script; see docs/migration.md).
