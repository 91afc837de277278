PLACEHOLDER: bring stacks/monitoring/modules/monitoring/alert_digest.py over from the Terraform repo
(the alert-digest CronJob's script, key alert_digest.py of ConfigMap alert-digest-script; see docs/migration.md).
