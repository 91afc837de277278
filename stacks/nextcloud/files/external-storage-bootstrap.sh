PLACEHOLDER: the Files External bootstrap (occ files_external mounts and applicable users/groups from manifest.json).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`) so the adopted
Job nextcloud-external-storage-bootstrap (immutable: a differing template re-runs it) stays byte-identical.
