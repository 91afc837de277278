PLACEHOLDER: the shell + inline Python of the (suspended) aiostreams `aiostreams-stream-probe` CronJob.
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`): it is the container command of the job template, so it must be byte-identical to the live one or adoption changes the CronJob.
