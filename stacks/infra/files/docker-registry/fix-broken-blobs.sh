PLACEHOLDER: bring over modules/docker-registry/fix-broken-blobs.sh from the Terraform repo (see docs/migration.md).
