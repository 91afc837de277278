PLACEHOLDER: the GPU VRAM watchdog (~8 kB of stdlib Python: every tick it reads per-pod VRAM use
from the gpu-pod-exporter, and when free VRAM on the T4 falls under FLOOR_MIB it deletes the GPU
pod that uses most above its declared viktorbarzin.me/gpumem limit; DRY_RUN only logs). Bring it
over from the Terraform repo (`make bring-over FROM=<checkout>`): the gpu-vram-watchdog-script
ConfigMap stays byte-identical at adoption.
