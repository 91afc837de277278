"""stem95su: intentionally empty.

The site moved off the cluster (it is now one entry of the valia-sites stack, served by
Cloudflare Pages). Upstream kept this stack as a tombstone whose last apply destroyed the
old nginx + NFS + ingress + sync CronJob; the port keeps the project so the stack list
matches upstream and a leftover `prod` state can still be emptied with `pulumi up`.
"""
