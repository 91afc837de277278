PLACEHOLDER: bring stacks/monitoring/modules/monitoring/image_flipflop_detect.py over from the Terraform repo
(the image-flipflop-detect CronJob's script, key image_flipflop_detect.py of ConfigMap image-flipflop-detect-script; see docs/migration.md).
