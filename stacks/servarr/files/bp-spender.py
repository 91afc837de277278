PLACEHOLDER: the MAM bonus-point spender script of the servarr `mam-bp-spender` CronJob (ConfigMap mam-bp-spender-script, key script.py).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`): the ConfigMap must hold the live script byte for byte.
