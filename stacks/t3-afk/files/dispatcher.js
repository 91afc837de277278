PLACEHOLDER: bring stacks/t3-afk/files/dispatcher.js over from the Terraform repo
(the auto-pair dispatcher sidecar: mints a T3 pairing credential for an Authentik-gated
visitor and reverse-proxies to t3 serve, mounted at /scripts/dispatcher.js; see docs/migration.md).
