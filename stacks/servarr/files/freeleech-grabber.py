PLACEHOLDER: the MAM freeleech grabber script of the servarr `mam-freeleech-grabber` CronJob (ConfigMap mam-freeleech-grabber-script, key script.py).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`): the ConfigMap must hold the live script byte for byte.
