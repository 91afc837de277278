PLACEHOLDER: bring over modules/docker-registry/cleanup-tags.sh from the Terraform repo (see docs/migration.md).
