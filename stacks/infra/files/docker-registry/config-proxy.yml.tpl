PLACEHOLDER: bring over modules/docker-registry/config-proxy.yaml.tpl from the Terraform repo (see docs/migration.md).
# Template variables (Python string.Template, same ${...} syntax as upstream): ${name}, ${remote_url}
