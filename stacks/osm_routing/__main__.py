"""OSM routing: OSRM foot and bicycle servers on NFS graphs, a monthly graph rebuild, OpenTripPlanner parked."""

from pathlib import Path

import pulumi

from components import constants as c
from components.namespace import Namespace, NamespaceArgs, Quota
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import load_payload
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import KEEL_ANNOTATIONS, ROLLOUT_ANNOTATIONS, env

HERE = Path(__file__).parent
settings = ClusterSettings.load()
NS = "osm-routing"
# Graph builder and server must be the same OSRM release: a graph built by one cannot be read by another.
OSRM_IMAGE = "ghcr.io/project-osrm/osrm-backend:v6.0.0"

namespace = Namespace(NS, NamespaceArgs(
    tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"},
    # No limits.cpu: Kyverno strips CPU limits at admission, so a quota on them would admit no pod.
    quota=Quota(name="tier-quota", hard={"requests.cpu": "4", "requests.memory": "6Gi",
                                         "limits.memory": "16Gi", "pods": "20"}),
))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

osrm_data = NfsVolume("osm-routing-osrm-data-host", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/osm-routing/osrm"), opts=ns_opts)
otp_data = NfsVolume("osm-routing-otp-data-host", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/osm-routing/otp"), opts=ns_opts)

# OSRM opts out of Keel (`keel.sh/policy: never`) and this stack owns the image tag; only the
# annotations Keel or a rollout may still write are left alone.
OSRM_IGNORE = [*(f'metadata.annotations["{a}"]' for a in KEEL_ANNOTATIONS if a != "keel.sh/policy"),
               *(f'metadata.annotations["{a}"]' for a in ROLLOUT_ANNOTATIONS),
               'spec.template.metadata.annotations["keel.sh/update-time"]']

for profile in ("foot", "bicycle"):
    WebApp(f"osrm-{profile}", WebAppArgs(
        namespace=NS,
        tier=c.TIER_AUX,
        strategy="Recreate",
        annotations={"keel.sh/policy": "never"},
        ignore_changes=OSRM_IGNORE,
        containers=[{
            "name": f"osrm-{profile}",
            "image": OSRM_IMAGE,
            "command": ["osrm-routed", "--algorithm", "MLD", f"/data/{profile}/greater-london-latest.osrm"],
            "ports": [{"name": "http", "container_port": 5000, "protocol": "TCP"}],
            "volume_mounts": [{"name": "osrm-data", "mount_path": "/data"}],
            "resources": {"requests": {"cpu": "50m", "memory": "1Gi"}, "limits": {"memory": "1Gi"}},
        }],
        volumes=[{"name": "osrm-data", "persistent_volume_claim": {"claim_name": osrm_data.claim_name}}],
        service_ports=[{"port": 5000, "target_port": 5000}],
    ), opts=ns_opts)

WebApp("otp", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    # Parked: transit comes from the TfL journey planner on demand, and OTP was the memory hog.
    replicas=0,
    strategy="Recreate",
    containers=[{
        "name": "otp",
        "image": "opentripplanner/opentripplanner:2.6.0",
        "args": ["--build", "--save"],
        "ports": [{"name": "http", "container_port": 8080, "protocol": "TCP"}],
        "volume_mounts": [{"name": "otp-data", "mount_path": "/var/opentripplanner"}],
        "env": env({"JAVA_TOOL_OPTIONS": "-Xmx3g"}),
        "resources": {"requests": {"cpu": "300m", "memory": "2Gi"}, "limits": {"memory": "2Gi"}},
    }],
    volumes=[{"name": "otp-data", "persistent_volume_claim": {"claim_name": otp_data.claim_name}}],
    service_ports=[{"port": 8080, "target_port": 8080}],
), opts=ns_opts)

# The only graph build. Build on demand with `kubectl -n osm-routing create job <name> --from=cronjob/osrm-refresh`;
# the servers load a new graph when their pods restart.
REFRESH = {"app": "osrm-refresh"}
ScheduledJob("osrm-refresh", ScheduledJobArgs(
    namespace=NS,
    schedule="0 4 1 * *",
    concurrency_policy="Forbid",
    successful_jobs_history_limit=1,
    failed_jobs_history_limit=2,
    backoff_limit=2,
    labels=REFRESH, job_metadata={"labels": REFRESH}, pod_metadata={"labels": REFRESH},
    containers=[{
        "name": "build",
        "image": OSRM_IMAGE,
        "command": ["/bin/sh", "-c"],
        "args": [load_payload(HERE, "osrm-build.sh")],
        "volume_mounts": [{"name": "osrm-data", "mount_path": "/data"}],
        # The extract phase peaks near 1.3 GB; 4Gi is the tier LimitRange's per-container ceiling.
        "resources": {"requests": {"cpu": "500m", "memory": "2Gi"}, "limits": {"memory": "4Gi"}},
    }],
    volumes=[{"name": "osrm-data", "persistent_volume_claim": {"claim_name": osrm_data.claim_name}}],
), opts=ns_opts)
