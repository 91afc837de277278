PLACEHOLDER: the broker's WireGuard key helper (~2 kB of operator Python, X25519 keypairs).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); mounted next to broker.py and part of checksum/broker-scripts.
