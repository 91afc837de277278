PLACEHOLDER: the post-start hook of the immich-postgresql Deployment (prewarm of the vector indexes); it is in the pod template, so any byte of difference restarts the database.
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); see docs/migration.md.
