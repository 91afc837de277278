PLACEHOLDER: bring stacks/k8s-version-upgrade/files/upgrade-step.sh over from the Terraform repo
(the per-phase upgrade step run by every Job of the chain: preflight, master, worker, postflight, spawning the next Job from the template; see docs/migration.md).
