PLACEHOLDER: the nextcloud-watchdog script (Apache runaway restart, interrupted-upgrade and stuck-maintenance self-heals).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`) so the adopted
CronJob nextcloud-watchdog template stays byte-identical.
