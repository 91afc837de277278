PLACEHOLDER: the weekly album sync of Emo's photo frame (frame-sync-emo CronJob).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); see docs/migration.md.
