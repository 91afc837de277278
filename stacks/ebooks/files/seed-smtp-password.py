PLACEHOLDER: Calibre-Web's SMTP-password seeder (stdlib Python + cryptography, ~4 kB), run as
the `seed-smtp-password` init container of calibre-web-automated via `python3 -c`. It writes
the SMTP_PASSWORD env value, Fernet-encrypted with /config/.key (creating the key when it is
missing), into the mail settings row of /config/app.db, and does nothing when the stored
value already decrypts to the same password. Bring it over from the Terraform repo
(`make bring-over FROM=<checkout>`): the script text is the init container's command, so a
byte-identical copy keeps adoption from rolling the pod.
