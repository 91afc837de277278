PLACEHOLDER: bring over modules/docker-registry/config.yaml from the Terraform repo (see docs/migration.md).
# Template variables (Python string.Template, same ${...} syntax as upstream): ${password}
