PLACEHOLDER: bring stacks/tuya-bridge/files/saksii_poller.py over from the Terraform repo
(the Tuya cloud poller that decodes the WD-01ADE watering timers and pushes them to
Home Assistant, mounted at /scripts/poll.py; see docs/migration.md).
