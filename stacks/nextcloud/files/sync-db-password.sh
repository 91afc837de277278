PLACEHOLDER: the before-starting hook that writes the rotated MYSQL_PASSWORD into config.php.
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`) so the adopted
ConfigMap nextcloud-db-password-sync stays byte-identical.
