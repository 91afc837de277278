PLACEHOLDER: the cross-repository init step of the repowise Deployment.
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); see docs/migration.md.
