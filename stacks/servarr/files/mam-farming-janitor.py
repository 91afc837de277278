PLACEHOLDER: the torrent janitor script of the servarr `mam-farming-janitor` CronJob (ConfigMap mam-farming-janitor-script, key script.py).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`): the ConfigMap must hold the live script byte for byte.
