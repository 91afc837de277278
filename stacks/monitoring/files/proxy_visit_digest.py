PLACEHOLDER: bring stacks/monitoring/modules/monitoring/proxy_visit_digest.py over from the Terraform repo
(the proxy-visit-digest CronJob's script, key proxy_visit_digest.py of ConfigMap proxy-visit-digest-script; see docs/migration.md).
