"""valia-sites: small static sites Valia writes in Google Drive, served from Cloudflare Pages.

Per site: a Pages project, its `<site>.<domain>` custom domain and (with `manage_dns`) the
proxied public CNAME to `<project>.pages.dev`. The `valia-sites-dns` ConfigMap in `technitium`
feeds the same names to the internal split-horizon sync (this stack owns it). A CronJob every
10 minutes mirrors each Drive folder and deploys it with wrangler when its manifest changed.
"""

from dataclasses import asdict, dataclass
from pathlib import Path

import pulumi
import pulumi_cloudflare as cloudflare
import pulumi_kubernetes as k8s

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.settings import ClusterSettings
from components.tf_encoding import jsonencode
from components.workload import secret_env
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

settings = ClusterSettings.load()
HERE = Path(__file__).parent
NS = "valia-sites"
# The Cloudflare account of the operator's login; an identifier, not a credential.
ACCOUNT_ID = "02e035473cfc4834fb10c5d35470d8b4"
SYNC = "valia-sites-sync"
STATE = "valia-sites-state"


@dataclass(frozen=True)
class Site:
    """One site: the shared Drive folder, the subfolder served, the file `/` serves."""

    folder_id: str
    src_path: str
    entry_file: str
    manage_dns: bool
    """False while the name is still served elsewhere (no public CNAME, no internal record)."""


SITES = {
    "bridge": Site(folder_id="1YWwAtSTsJD9HOzckGRIFXigWqCgYSGEa", src_path="", entry_file="index.html", manage_dns=True),
    "stem95su": Site(folder_id="1cmOI2jRyBJdnrVPgbr4kx2cx_4DY6pm_", src_path="stem claude/files",
                     entry_file="stem_board.html", manage_dns=True),
}

# --- Cloudflare Pages ------------------------------------------------------------------------
subdomains: dict[str, pulumi.Output[str]] = {}
for site, spec in SITES.items():
    project = cloudflare.PagesProject(f"{site}-pages-project", account_id=ACCOUNT_ID, name=site,
                                      production_branch="main")
    cloudflare.PagesDomain(f"{site}-pages-domain", account_id=ACCOUNT_ID, project_name=project.name,
                           name=f"{site}.{settings.root_domain}")
    if spec.manage_dns:
        subdomains[site] = project.subdomain
        cloudflare.DnsRecord(f"{site}-dns-record", zone_id=settings.dns.zone_id, name=f"{site}.{settings.root_domain}",
                             type="CNAME", content=project.subdomain, proxied=True, ttl=1)

# Read by technitium's ingress-DNS sync, which adds, updates and removes internal CNAMEs to match.
k8s.core.v1.ConfigMap("valia-sites-dns", metadata={
    "name": "valia-sites-dns", "namespace": "technitium", "labels": {"app.kubernetes.io/managed-by": "valia-sites"},
}, data=subdomains)

# --- the sync CronJob --------------------------------------------------------------------------
namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# The Drive (read-only) rclone config and a Pages-only Cloudflare token.
sync_secret = ExternalSecret(SYNC, ExternalSecretArgs(namespace=NS, refresh_interval="1h", data=[
    SecretKey(secret_key="rclone.conf", key="valia-sites", property="rclone_conf"),
    SecretKey(secret_key="CLOUDFLARE_API_TOKEN", key="valia-sites", property="cloudflare_pages_token"),
    SecretKey(secret_key="CLOUDFLARE_ACCOUNT_ID", key="valia-sites", property="account_id"),
]), opts=ns_opts)
sites_config = k8s.core.v1.ConfigMap("valia-sites-config", metadata={"name": "valia-sites-config", "namespace": NS},
                                     data={"sites.json": jsonencode({k: asdict(v) for k, v in SITES.items()})},
                                     opts=ns_opts)
# The job records each site's deployed manifest hash here; the program never touches the data.
k8s.core.v1.ConfigMap(STATE, metadata={"name": STATE, "namespace": NS}, data={},
                      opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=["data"]))
rbac = WorkloadRbac(SYNC, WorkloadRbacArgs(
    namespace=NS, role_name="valia-sites-sync-state",
    rules=[Rule(api_groups=[""], resources=["configmaps"], resource_names=[STATE], verbs=["get", "patch"])],
), opts=ns_opts)

LABELS = {"app": "valia-sites", "component": "sync"}
ScheduledJob(SYNC, ScheduledJobArgs(
    namespace=NS, labels=LABELS, schedule="*/10 * * * *", concurrency_policy="Forbid",
    successful_jobs_history_limit=2, failed_jobs_history_limit=3,
    backoff_limit=1, ttl_seconds_after_finished=86400, restart_policy="OnFailure",
    job_metadata={}, pod_metadata={"labels": LABELS}, service_account_name=rbac.service_account_name,
    containers=[{
        "name": "sync", "image": "ghcr.io/viktorbarzin/valia-sites-sync:latest",
        "command": ["/bin/sh", "-c", load_payload(HERE, "sync.sh")],
        "env": secret_env(SYNC, {"CLOUDFLARE_API_TOKEN": "CLOUDFLARE_API_TOKEN",
                                 "CLOUDFLARE_ACCOUNT_ID": "CLOUDFLARE_ACCOUNT_ID"}),
        "resources": {"requests": {"cpu": "25m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
        "volume_mounts": [{"name": "rclone-config", "mount_path": "/config", "read_only": True},
                          {"name": "sites-config", "mount_path": "/sites", "read_only": True},
                          {"name": "work", "mount_path": "/work"}],
    }],
    volumes=[{"name": "rclone-config", "secret": {"secret_name": SYNC,
                                                  "items": [{"key": "rclone.conf", "path": "rclone.conf"}]}},
             {"name": "sites-config", "config_map": {"name": sites_config.metadata["name"]}},
             {"name": "work", "empty_dir": {}}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, sync_secret]))

pulumi.export("sites", sorted(SITES))
