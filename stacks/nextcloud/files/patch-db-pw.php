PLACEHOLDER: the PHP helper of the before-starting hook that rewrites dbpassword in config.php.
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`) so the adopted
ConfigMap nextcloud-db-password-sync stays byte-identical.
