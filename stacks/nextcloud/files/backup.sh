PLACEHOLDER: the weekly rsync of the Nextcloud data claim onto NFS (keeps the latest copy).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`) so the adopted
ConfigMap nextcloud-backup-script stays byte-identical.
