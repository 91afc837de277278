PLACEHOLDER: bring stacks/monitoring/modules/monitoring/share_link_geo.py over from the Terraform repo
(the share-link-geo CronJob's script, key share_link_geo.py of ConfigMap share-link-geo-script; see docs/migration.md).
