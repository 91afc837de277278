PLACEHOLDER: the CSI ghost-attachment reconciler (~4 kB of stdlib Python: compares the Proxmox
VMs' attached disks with the cluster's VolumeAttachments, detaches at most MAX_DETACH orphaned
disks per run, pushes metrics to the Pushgateway). Bring it over from the Terraform repo
(`make bring-over FROM=<checkout>`): the csi-ghost-reconcile-script ConfigMap stays byte-identical.
