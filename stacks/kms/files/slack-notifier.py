PLACEHOLDER: the vlmcsd log tailer (stdlib Python, ~12 kB: follows /var/log/vlmcsd/vlmcsd.log,
posts one Slack message per activation, de-duplicated per client and product within
DEDUP_WINDOW_SECONDS, and serves Prometheus counters on :9101/metrics). Bring it over from
the Terraform repo (`make bring-over FROM=<checkout>`): the kms pod template carries its
SHA-1 (`checksum/notifier`), so a byte-identical copy keeps adoption from rolling vlmcsd.
