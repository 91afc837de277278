PLACEHOLDER: the proxy broker (~69 kB of operator Python: country picker API, per-user browser and per-country gateway pods, reaper loop, NordVPN key refresh).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); it is mounted at /broker/broker.py and run by python:3.12-slim; its hash rolls the broker through checksum/broker-scripts.
