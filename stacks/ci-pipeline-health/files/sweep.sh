PLACEHOLDER: bring stacks/ci-pipeline-health/files/sweep.sh over from the Terraform repo
(the daily POSIX-sh sweep of GitHub Actions runs, Woodpecker pipelines and GHA minutes,
mounted at /scripts/sweep.sh; see docs/migration.md).
