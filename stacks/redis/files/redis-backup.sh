PLACEHOLDER: the script of the weekly `redis-backup` CronJob (BGSAVE, `redis-cli --rdb` onto
the NFS share, 28-day rotation, stats to the Pushgateway).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`) so the adopted
CronJob's template stays byte-identical.
