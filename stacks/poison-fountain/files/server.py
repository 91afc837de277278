PLACEHOLDER: bring stacks/poison-fountain/app/server.py over from the Terraform repo
(the drip-feed HTTP server mounted at /app/server.py; see docs/migration.md).
