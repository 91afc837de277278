PLACEHOLDER: the wake gate's HTTP server (stdlib Python, ~4.8 kB: serves /, /wake, /status
and /healthz on port 8080, scales the android-emulator Deployment up through the API and
hands the browser to noVNC once the emulator is ready). Bring it over from the Terraform
repo (`make bring-over FROM=<checkout>`): the gate's pod template carries its SHA-1
(`checksum/gate`), so a byte-identical copy keeps adoption from rolling the gate.
