PLACEHOLDER: the manual restore helper shipped beside the backup script.
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`) so the adopted
ConfigMap nextcloud-backup-script stays byte-identical.
