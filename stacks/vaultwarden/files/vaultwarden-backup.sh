PLACEHOLDER: the script of the 6-hourly `vaultwarden-backup` CronJob (integrity check,
sqlite `.backup`, keys/attachments/sends/config copy, 30-day rotation, Pushgateway stats).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`) so the adopted
CronJob's template stays byte-identical.
