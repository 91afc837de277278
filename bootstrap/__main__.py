"""Bootstrap: the R2 state bucket, then (once Vault runs) the transit key for stack secrets.

Two phases because of the chicken-and-egg documented in docs/state.md:
  1. `pulumi up` with only cloudflare config: creates the state bucket.
  2. after the passphrase-encrypted Tier-0 stacks (vault and what it depends on) are up,
     set `homelab-bootstrap:vaultReady true` and `pulumi up` again: creates the transit
     mount/key and the policy that lets CI and operators use it.
Everything is protected and retained on delete: losing this project's local state must
never delete the bucket or the key (re-import them instead, see docs/state.md).
"""
import pulumi
import pulumi_cloudflare as cloudflare

from plan import TRANSIT_KEY, TRANSIT_MOUNT, bucket_name, transit_policy

config = pulumi.Config()
keep = pulumi.ResourceOptions(protect=True, retain_on_delete=True)

bucket = cloudflare.R2Bucket(
    "state-bucket",
    account_id=config.require("cloudflareAccountId"),
    name=bucket_name(config.get("stateBucket")),
    location=config.get("bucketLocation") or "EEUR",
    opts=keep,
)
pulumi.export("stateBucket", bucket.name)
pulumi.export("backendUrl", bucket.name.apply(
    lambda n: f"s3://{n}?endpoint=https://<account>.r2.cloudflarestorage.com&region=auto&s3ForcePathStyle=true"))

if config.get_bool("vaultReady"):
    import pulumi_vault as vault

    mount = vault.Mount("transit", path=TRANSIT_MOUNT, type="transit",
                        description="Pulumi state secrets (hashivault:// secrets provider)", opts=keep)
    key = vault.transit.SecretBackendKey(
        "pulumi-state-key", backend=mount.path, name=TRANSIT_KEY, deletion_allowed=False,
        opts=pulumi.ResourceOptions(protect=True, retain_on_delete=True, parent=mount))
    vault.Policy("pulumi-state-transit", name="pulumi-state-transit", policy=transit_policy(),
                 opts=pulumi.ResourceOptions(parent=mount))
    pulumi.export("secretsProvider", key.name.apply(lambda n: f"hashivault://{n}"))
