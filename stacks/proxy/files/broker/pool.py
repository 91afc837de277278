PLACEHOLDER: the broker's gateway-pool planner (~14 kB of operator Python: subnet allocation, reuse and reaping rules, PERMANENT_IDX).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); mounted next to broker.py and part of checksum/broker-scripts.
