PLACEHOLDER: the qBittorrent ratio monitor of the servarr `qbittorrent-ratio-monitor` CronJob (ConfigMap qbt-ratio-monitor-script, key monitor.py).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`): the ConfigMap must hold the live script byte for byte.
