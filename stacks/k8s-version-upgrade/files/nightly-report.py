PLACEHOLDER: bring stacks/k8s-version-upgrade/files/nightly-report.py over from the Terraform repo
(the weekly Slack report of the chain's outcome, from Pushgateway gauges and live nodes/jobs; see docs/migration.md).
