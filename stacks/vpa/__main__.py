"""vpa: intentionally empty.

The Vertical Pod Autoscaler and Goldilocks were retired upstream: every VPA ran in
recommendation-only mode, so they cost etcd objects and an admission webhook for a
dashboard alone. Upstream kept the stack as a tombstone whose last apply destroyed the
releases, the Goldilocks ClusterPolicy, the dashboard ingress and the namespace; the port
keeps the project so the stack list matches upstream and a leftover `prod` state can still
be emptied with `pulumi up`.
"""
