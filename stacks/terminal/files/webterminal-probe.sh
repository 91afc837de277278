PLACEHOLDER: bring stacks/terminal/files/webterminal-probe.sh over from the Terraform repo
(the webterminal-probe CronJob's command: checks the Authentik redirect on /token and /ws and
ttyd's in-cluster /token, then pushes the webterminal_probe_* metrics; see docs/migration.md).
