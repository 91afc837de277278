PLACEHOLDER: bring stacks/myprotein-watch/check.py over from the Terraform repo
(the pure-stdlib price checker: reads the product page's embedded JSON, applies the four
triggers, posts to Slack and records announced deals in the state ConfigMap; mounted at
/scripts/check.py; see docs/migration.md).
