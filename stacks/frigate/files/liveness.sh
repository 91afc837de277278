PLACEHOLDER: Frigate's liveness check (GPU visible through nvidia-smi, the stats API answering,
every detector's inference time under its threshold), run by `sh -c` in the pod's liveness
probe. Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`): it sits in the
pod template, so a byte-identical copy keeps adoption from restarting Frigate.
