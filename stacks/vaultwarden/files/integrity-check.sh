PLACEHOLDER: the script of the hourly `vaultwarden-integrity-check` CronJob (sqlite
`PRAGMA integrity_check`, result pushed to the Pushgateway).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`) so the adopted
CronJob's template stays byte-identical.
